#!/usr/bin/python3
"""The seed project's real-time face pipeline in Python OpenCV, timed for `scripts/bench video`:
VideoCapture, cvtColor to gray, detectMultiScale(gray, 1.1, 4), each face cut out and resized to
48x48. With --shrink F it first shrinks the gray frame by F (as ours does) so both can be compared
doing the same work.

Usage: seed_video_pipeline.py VIDEO CASCADE_XML [--shrink F] [--min-face PIXELS]
Prints one JSON object: frames, seconds, and each frame's face boxes in source pixels."""
import json
import sys
import time

import cv2


def main():
    video, cascade_file = sys.argv[1], sys.argv[2]
    shrink = float(sys.argv[sys.argv.index("--shrink") + 1]) if "--shrink" in sys.argv else 1.0
    min_face = int(sys.argv[sys.argv.index("--min-face") + 1]) if "--min-face" in sys.argv else 0
    cascade = cv2.CascadeClassifier(cascade_file)
    if cascade.empty():
        sys.exit("cannot load cascade " + cascade_file)
    capture = cv2.VideoCapture(video)
    if not capture.isOpened():
        sys.exit("cannot open " + video)
    boxes = []
    start = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        searched = gray
        if shrink != 1.0:
            searched = cv2.resize(gray, (round(gray.shape[1] / shrink), round(gray.shape[0] / shrink)),
                                  interpolation=cv2.INTER_AREA)
        side = round(min_face / shrink)
        faces = cascade.detectMultiScale(searched, 1.1, 4, minSize=(side, side)) if side else \
            cascade.detectMultiScale(searched, 1.1, 4)
        found = []
        for (x, y, w, h) in faces:
            x, y, w, h = (round(v * shrink) for v in (x, y, w, h))
            face = cv2.resize(gray[y:y + h, x:x + w], (48, 48))
            found.append([x, y, w, h])
        boxes.append(found)
    seconds = time.perf_counter() - start
    print(json.dumps({"frames": len(boxes), "seconds": seconds, "boxes": boxes}))


if __name__ == "__main__":
    main()
