package io.emotionstream.data;

import io.emotionstream.avro.Emotion;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Draws labelled 48x48 cartoon faces, for training and testing without FER2013 (which cannot be
 * shipped). Each emotion has its own facial geometry — mouth curve, width and opening, brow height
 * and slant, eye opening, nose wrinkles, cheek folds — shown at a random intensity and with random
 * per-face deviations, so neighbouring classes (fear and surprise, anger and disgust, sadness and
 * neutrality) overlap as in real data. Around that, every face varies in identity (face shape,
 * skin, hair, feature positions), pose (rotation up to ±20°, scale, shift: work for the spatial
 * transformer), lighting, blur, noise and partial occlusion.
 *
 * <p>Faces are drawn antialiased at twice the size and shrunk by area-averaging. Everything follows
 * from the {@link Random} passed in, so a seed gives the same faces every time.
 */
public final class SyntheticFaces {
  private static final int SCALE = 2;
  private static final int CANVAS = FaceSet.SIDE * SCALE;

  /** Faces drawn at once by {@link #generate}: enough to keep every core busy, little memory. */
  private static final int CHUNK = 1024;

  /** The expression of one emotion at full intensity; neutral is all zeros. */
  private record Expression(
      double mouthCurve, // + corners up (smile), - corners down
      double mouthOpen, // 0 closed .. 1 wide open
      double mouthWidth, // relative change of the mouth's half-width
      double teeth, // 0..1 how much of the opening shows teeth
      double browRaise, // + raised, - lowered
      double browInnerLift, // + inner ends up (worry), - inner ends down (frown)
      double eyeOpen, // relative change of the eye opening
      double noseWrinkle, // 0..1
      double cheekFold, // 0..1 smile lines
      double asymmetry) {} // 0..1 one-sided sneer

  private static final Expression[] EXPRESSIONS = new Expression[Emotion.values().length];

  static {
    EXPRESSIONS[Emotion.ANGRY.ordinal()] =
        new Expression(-0.35, 0.05, -0.15, 0.0, -0.7, -1.0, -0.15, 0.2, 0.0, 0.0);
    EXPRESSIONS[Emotion.DISGUST.ordinal()] =
        new Expression(-0.55, 0.2, 0.0, 0.3, -0.45, -0.45, -0.45, 1.0, 0.0, 0.8);
    EXPRESSIONS[Emotion.FEAR.ordinal()] =
        new Expression(-0.3, 0.45, 0.35, 0.3, 0.6, 0.85, 0.55, 0.0, 0.0, 0.0);
    EXPRESSIONS[Emotion.HAPPY.ordinal()] =
        new Expression(1.0, 0.35, 0.35, 0.8, 0.1, 0.0, -0.35, 0.0, 1.0, 0.0);
    EXPRESSIONS[Emotion.SAD.ordinal()] =
        new Expression(-0.8, 0.0, -0.05, 0.0, -0.1, 0.9, -0.3, 0.0, 0.0, 0.0);
    EXPRESSIONS[Emotion.SURPRISE.ordinal()] =
        new Expression(0.0, 1.0, -0.45, 0.0, 1.0, 0.15, 0.7, 0.0, 0.0, 0.0);
    EXPRESSIONS[Emotion.NEUTRAL.ordinal()] =
        new Expression(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
  }

  /**
   * How strongly the nuisances vary, each 0 (none) to 1 (full): head pose, lighting (gradient,
   * contrast, brightness, background), image quality (blur, noise) and occlusion. Identity and the
   * expression's own variation are always present.
   */
  public record Variation(double pose, double lighting, double quality, double occlusion) {
    public static final Variation FULL = new Variation(1, 1, 1, 1);

    /**
     * Learnt within minutes on a laptop's CPU, and still far from trivial: no occlusion, the rest
     * damped.
     */
    public static final Variation MILD = new Variation(0.3, 0.5, 0.5, 0.0);

    public static final Variation NONE = new Variation(0, 0, 0, 0);

    /** The variation a user names: none, mild or full. */
    public static Variation named(String name) {
      return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> NONE;
        case "mild" -> MILD;
        case "full" -> FULL;
        default ->
            throw new IllegalArgumentException(
                "'" + name + "' is not a variation: use none, mild or full");
      };
    }
  }

  private SyntheticFaces() {}

  /** One face showing {@code emotion}: {@link FaceSet#PIXELS} row-major gray bytes. */
  public static byte[] face(Emotion emotion, Random random) {
    return face(emotion, random, Variation.FULL);
  }

  /** One face with nuisances scaled by {@code variation}. */
  public static byte[] face(Emotion emotion, Random random, Variation variation) {
    BufferedImage canvas = new BufferedImage(CANVAS, CANVAS, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.scale(SCALE, SCALE);
      drawScene(g, emotion, random, variation);
    } finally {
      g.dispose();
    }
    byte[] drawn = ((DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
    byte[] face = FaceResizer.toFace(CANVAS, CANVAS, drawn);
    return degrade(face, random, variation);
  }

  /**
   * {@code perClass} faces of every emotion, classes interleaved (face i shows emotion i mod 7).
   * Face i depends only on (seed, i), so a larger set begins with the faces of a smaller one.
   */
  public static FaceSet generate(int perClass, long seed) {
    return generate(perClass, seed, Variation.FULL);
  }

  public static FaceSet generate(int perClass, long seed, Variation variation) {
    int total = perClass * Emotion.values().length;
    FaceSet faces = new FaceSet(total);
    for (int start = 0; start < total; start += CHUNK) {
      byte[][] chunk = draw(start, Math.min(total, start + CHUNK), seed, variation);
      for (int i = 0; i < chunk.length; i++) {
        faces.add(chunk[i], emotionOf(start + i));
      }
    }
    return faces;
  }

  /** The emotion of face {@code index} of a generated set: classes take turns. */
  public static Emotion emotionOf(long index) {
    return Emotion.values()[(int) (index % Emotion.values().length)];
  }

  /**
   * Faces {@code from} (inclusive) to {@code to} of the set drawn with {@code seed}, drawn on all
   * cores: each face has its own random stream, so the result does not depend on the threads.
   */
  public static byte[][] draw(int from, int to, long seed, Variation variation) {
    byte[][] faces = new byte[to - from][];
    IntStream.range(from, to)
        .parallel()
        .forEach(i -> faces[i - from] = face(emotionOf(i), faceRandom(seed, i), variation));
    return faces;
  }

  /** The random source of face {@code index} of a set drawn with {@code seed}. */
  public static Random faceRandom(long seed, long index) {
    return Seeds.random(seed, index);
  }

  private static void drawScene(Graphics2D g, Emotion emotion, Random random, Variation variation) {
    int background = 120 + (int) Math.round(variation.lighting() * (random.nextInt(200) - 100));
    g.setColor(gray(background));
    g.fill(new Rectangle2D.Double(0, 0, 48, 48));
    if (random.nextDouble() < 0.5 * variation.lighting()) {
      // A second background tone, like a wall edge or a door behind the head.
      g.setColor(gray(20 + random.nextInt(200)));
      double edge = 48 * random.nextDouble();
      g.fill(
          random.nextBoolean()
              ? new Rectangle2D.Double(0, 0, edge, 48)
              : new Rectangle2D.Double(edge, 0, 48, 48));
    }

    // Pose: the whole head turns, scales and shifts about the face centre.
    double pose = variation.pose();
    double angle = Math.toRadians(pose * 20 * (2 * random.nextDouble() - 1));
    double scale = 1 + pose * 0.165 * (2 * random.nextDouble() - 1);
    double shiftX = pose * 4.5 * (2 * random.nextDouble() - 1);
    double shiftY = pose * 4.5 * (2 * random.nextDouble() - 1);
    g.translate(24 + shiftX, 25 + shiftY);
    g.rotate(angle);
    g.scale(scale, scale);
    g.translate(-24, -25);

    Identity who = Identity.draw(random);
    Expression mean = EXPRESSIONS[emotion.ordinal()];
    double intensity = 0.55 + 0.6 * random.nextDouble();
    Expression shown = vary(mean, intensity, random);
    drawHead(g, who);
    drawEyes(g, who, shown, random);
    drawBrows(g, who, shown);
    drawNose(g, who, shown);
    drawMouth(g, who, shown);
    if (random.nextDouble() < 0.3 * variation.occlusion()) {
      drawOcclusion(g, random);
    }
  }

  /** The person behind the expression: these never depend on the emotion. */
  private record Identity(
      int skin,
      int hair,
      double faceWidth,
      double faceHeight,
      double eyeY,
      double eyeGap,
      double eyeSize,
      double browGap,
      double browWeight,
      double noseLength,
      double mouthY,
      double mouthHalfWidth,
      double lipWeight,
      boolean glasses,
      double hairline) {

    static Identity draw(Random random) {
      int skin = 95 + random.nextInt(130);
      int hair = random.nextDouble() < 0.8 ? 10 + random.nextInt(80) : 150 + random.nextInt(90);
      return new Identity(
          skin,
          hair,
          13.5 + 3 * random.nextDouble(),
          17 + 3.5 * random.nextDouble(),
          20.5 + 2.5 * random.nextDouble(),
          5.6 + 1.8 * random.nextDouble(),
          2.6 + 0.9 * random.nextDouble(),
          4.2 + 1.4 * random.nextDouble(),
          1.1 + 0.9 * random.nextDouble(),
          6 + 2.5 * random.nextDouble(),
          33.5 + 2.5 * random.nextDouble(),
          5 + 1.6 * random.nextDouble(),
          0.9 + 0.6 * random.nextDouble(),
          random.nextDouble() < 0.12,
          6 + 5 * random.nextDouble());
    }
  }

  /** The emotion's expression at {@code intensity}, each muscle off by its own random amount. */
  private static Expression vary(Expression e, double intensity, Random random) {
    return new Expression(
        intensity * e.mouthCurve() + 0.22 * random.nextGaussian(),
        Math.max(0, intensity * e.mouthOpen() + 0.12 * random.nextGaussian()),
        intensity * e.mouthWidth() + 0.12 * random.nextGaussian(),
        clamp01(e.teeth() + 0.2 * random.nextGaussian()),
        intensity * e.browRaise() + 0.25 * random.nextGaussian(),
        intensity * e.browInnerLift() + 0.25 * random.nextGaussian(),
        intensity * e.eyeOpen() + 0.15 * random.nextGaussian(),
        clamp01(intensity * e.noseWrinkle() + 0.15 * random.nextGaussian()),
        clamp01(intensity * e.cheekFold() + 0.15 * random.nextGaussian()),
        clamp01(e.asymmetry() + 0.2 * random.nextGaussian()) * (random.nextBoolean() ? 1 : -1));
  }

  private static void drawHead(Graphics2D g, Identity who) {
    // Neck and shoulders first, so the face is drawn over them.
    g.setColor(gray(who.skin() - 25));
    g.fill(new Rectangle2D.Double(24 - who.faceWidth() * 0.55, 36, who.faceWidth() * 1.1, 20));
    Ellipse2D hairShape =
        new Ellipse2D.Double(
            24 - who.faceWidth() - 1.8,
            25 - who.faceHeight() - 2.5,
            2 * who.faceWidth() + 3.6,
            2 * who.faceHeight() * 0.95);
    g.setColor(gray(who.hair()));
    g.fill(hairShape);
    g.setColor(gray(who.skin()));
    g.fill(
        new Ellipse2D.Double(
            24 - who.faceWidth(),
            25 - who.faceHeight(),
            2 * who.faceWidth(),
            2 * who.faceHeight()));
    // Hair over the forehead down to the hairline, inside the outline of the head.
    Path2D fringe = new Path2D.Double();
    double top = 25 - who.faceHeight() - 3;
    fringe.moveTo(24 - who.faceWidth() - 2, 25 - who.faceHeight() * 0.3);
    fringe.quadTo(
        24, top + who.hairline() * 0.8, 24 + who.faceWidth() + 2, 25 - who.faceHeight() * 0.3);
    fringe.lineTo(24 + who.faceWidth() + 2, top);
    fringe.lineTo(24 - who.faceWidth() - 2, top);
    fringe.closePath();
    java.awt.Shape clip = g.getClip();
    g.clip(hairShape);
    g.setColor(gray(who.hair()));
    g.fill(fringe);
    g.setClip(clip);
  }

  private static void drawEyes(Graphics2D g, Identity who, Expression shown, Random random) {
    double open = Math.max(0.15, 1 + shown.eyeOpen());
    double gazeX = 0.6 * random.nextGaussian();
    for (int side = -1; side <= 1; side += 2) {
      double cx = 24 + side * who.eyeGap();
      double cy = who.eyeY();
      double rx = who.eyeSize();
      double ry = Math.min(who.eyeSize() * 0.95, 1.2 * open);
      Ellipse2D eye = new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry);
      g.setColor(gray(Math.min(255, who.skin() + 60)));
      g.fill(eye);
      java.awt.Shape clip = g.getClip();
      g.clip(eye);
      g.setColor(gray(25));
      double iris = 1.45;
      g.fill(new Ellipse2D.Double(cx + gazeX - iris, cy - iris, 2 * iris, 2 * iris));
      g.setClip(clip);
      g.setColor(gray(who.skin() - 70));
      g.setStroke(new BasicStroke(0.7f));
      g.draw(new QuadCurve2D.Double(cx - rx, cy, cx, cy - 2 * ry, cx + rx, cy));
      if (who.glasses()) {
        g.setColor(gray(30));
        g.setStroke(new BasicStroke(0.8f));
        g.draw(new Ellipse2D.Double(cx - rx - 1.6, cy - 3.2, 2 * rx + 3.2, 6.2));
      }
    }
    if (who.glasses()) {
      g.draw(
          new Line2D.Double(
              24 - who.eyeGap() + who.eyeSize() + 1.6,
              who.eyeY(),
              24 + who.eyeGap() - who.eyeSize() - 1.6,
              who.eyeY()));
    }
  }

  private static void drawBrows(Graphics2D g, Identity who, Expression shown) {
    g.setColor(gray(Math.min(who.hair(), who.skin() - 60)));
    g.setStroke(
        new BasicStroke((float) who.browWeight(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    double baseY = who.eyeY() - who.browGap() - 1.8 * shown.browRaise();
    double innerLift = 1.7 * shown.browInnerLift();
    for (int side = -1; side <= 1; side += 2) {
      double innerX = 24 + side * 2.2;
      double outerX = 24 + side * (who.eyeGap() + who.eyeSize() + 1.2);
      double innerY = baseY - innerLift;
      double outerY = baseY + 0.35 * innerLift;
      // A raised brow arches; a frowning one is straight.
      double arch = 0.8 + 0.6 * Math.max(0, shown.browRaise());
      g.draw(
          new QuadCurve2D.Double(
              innerX,
              innerY,
              (innerX + outerX) / 2,
              Math.min(innerY, outerY) - arch,
              outerX,
              outerY));
    }
    if (shown.browInnerLift() < -0.4) {
      // Frown lines between the brows.
      g.setColor(gray(who.skin() - 45));
      g.setStroke(new BasicStroke(0.6f));
      g.draw(new Line2D.Double(23.2, baseY + 0.5, 23.5, baseY + 3));
      g.draw(new Line2D.Double(24.8, baseY + 0.5, 24.5, baseY + 3));
    }
  }

  private static void drawNose(Graphics2D g, Identity who, Expression shown) {
    double top = who.eyeY() + 1.5;
    double tip = top + who.noseLength() - 1.2 * shown.noseWrinkle();
    g.setColor(gray(who.skin() - 40));
    g.setStroke(new BasicStroke(0.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    g.draw(new QuadCurve2D.Double(23.3, top, 22.2, tip - 1.5, 22.8, tip));
    g.setColor(gray(who.skin() - 75));
    g.fill(new Ellipse2D.Double(21.6, tip - 0.5, 1.6, 1.0));
    g.fill(new Ellipse2D.Double(24.8, tip - 0.5, 1.6, 1.0));
    if (shown.noseWrinkle() > 0.15) {
      g.setColor(gray(who.skin() - (int) (60 * shown.noseWrinkle())));
      g.setStroke(new BasicStroke(0.6f));
      for (int i = 0; i < 3; i++) {
        double y = top + 0.3 + i * 1.1;
        g.draw(new QuadCurve2D.Double(22, y, 24, y - 0.8, 26, y));
      }
    }
  }

  private static void drawMouth(Graphics2D g, Identity who, Expression shown) {
    double halfWidth = Math.max(2.2, who.mouthHalfWidth() * (1 + shown.mouthWidth()));
    double y = who.mouthY();
    double curve = 2.6 * shown.mouthCurve();
    double open = 5.5 * shown.mouthOpen();
    double lift = 1.6 * shown.asymmetry(); // a sneer raises one corner
    double leftY = y - curve - Math.max(0, lift);
    double rightY = y - curve - Math.max(0, -lift);
    g.setColor(gray(who.skin() - 80));
    if (open < 0.6) {
      g.setStroke(
          new BasicStroke((float) who.lipWeight(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.draw(new QuadCurve2D.Double(24 - halfWidth, leftY, 24, y + curve, 24 + halfWidth, rightY));
    } else {
      // An open mouth: upper lip over a dark opening, teeth along the top.
      Path2D mouth = new Path2D.Double();
      double upper = y + curve * 0.6 - open * 0.35;
      double lower = y + curve + open;
      mouth.moveTo(24 - halfWidth, leftY);
      mouth.quadTo(24, upper, 24 + halfWidth, rightY);
      mouth.quadTo(24, lower, 24 - halfWidth, leftY);
      mouth.closePath();
      g.setColor(gray(25));
      g.fill(mouth);
      if (shown.teeth() > 0.25) {
        java.awt.Shape clip = g.getClip();
        g.clip(mouth);
        g.setColor(gray(225));
        double teethHeight = (lower - upper) * 0.45 * shown.teeth();
        g.fill(
            new Rectangle2D.Double(
                24 - halfWidth, upper - 2, 2 * halfWidth, teethHeight + 2 + (y - upper) * 0.5));
        g.setClip(clip);
      }
      g.setColor(gray(who.skin() - 80));
      g.setStroke(new BasicStroke((float) (0.7 * who.lipWeight())));
      g.draw(mouth);
    }
    if (shown.cheekFold() > 0.2) {
      g.setColor(gray(who.skin() - (int) (45 * shown.cheekFold())));
      g.setStroke(new BasicStroke(0.7f));
      for (int side = -1; side <= 1; side += 2) {
        double x = 24 + side * (halfWidth + 1.5);
        g.draw(
            new QuadCurve2D.Double(
                x - side * 1.5, y - 6, x + side * 1.2, y - 3, x + side * 0.3, y + 0.5));
      }
    }
  }

  /** Something in front of the face: a hand, a cup, a microphone, a shadowed object. */
  private static void drawOcclusion(Graphics2D g, Random random) {
    g.setColor(gray(random.nextInt(256)));
    double x = 6 + 30 * random.nextDouble();
    double y = 8 + 34 * random.nextDouble();
    double w = 8 + 12 * random.nextDouble();
    double h = 6 + 12 * random.nextDouble();
    if (random.nextBoolean()) {
      g.fill(new Ellipse2D.Double(x - w / 2, y - h / 2, w, h));
    } else {
      g.fill(new Rectangle2D.Double(x - w / 2, y - h / 2, w, h));
    }
  }

  /** Lighting gradient, blur and sensor noise on the finished 48x48 face. */
  private static byte[] degrade(byte[] face, Random random, Variation variation) {
    int side = FaceSet.SIDE;
    float[] values = new float[face.length];
    for (int i = 0; i < face.length; i++) {
      values[i] = face[i] & 0xFF;
    }
    double blur = random.nextDouble() < 0.5 ? 0 : variation.quality() * 0.6 * random.nextDouble();
    if (blur > 0) {
      values = blur3x3(values, side, (float) blur);
    }
    double lightAngle = 2 * Math.PI * random.nextDouble();
    double lightStrength = variation.lighting() * 55 * random.nextDouble();
    double contrast = 1 + variation.lighting() * (0.5 * random.nextDouble() - 0.3);
    double brightness = variation.lighting() * 20 * random.nextGaussian();
    double noise = variation.quality() * 10 * random.nextDouble();
    byte[] out = new byte[face.length];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int i = y * side + x;
        double along = ((x - 23.5) * Math.cos(lightAngle) + (y - 23.5) * Math.sin(lightAngle)) / 24;
        double v =
            128
                + contrast * (values[i] - 128)
                + brightness
                + lightStrength * along
                + noise * random.nextGaussian();
        out[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    return out;
  }

  /** Mixes each pixel with its 3x3 neighbourhood mean by {@code amount}. */
  private static float[] blur3x3(float[] values, int side, float amount) {
    float[] out = new float[values.length];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float sum = 0;
        int n = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = y + dy;
            int xx = x + dx;
            if (yy >= 0 && yy < side && xx >= 0 && xx < side) {
              sum += values[yy * side + xx];
              n++;
            }
          }
        }
        out[y * side + x] = (1 - amount) * values[y * side + x] + amount * sum / n;
      }
    }
    return out;
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }

  private static Color gray(int level) {
    int v = Math.max(0, Math.min(255, level));
    return new Color(v, v, v);
  }
}
