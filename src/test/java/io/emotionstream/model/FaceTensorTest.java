package io.emotionstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FaceTensorTest {

  @Test
  void normalisesEveryByteAsTorchsOperationsDo() {
    byte[] every = new byte[256];
    for (int value = 0; value < 256; value++) {
      every[value] = (byte) value;
    }
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      // the reference's normalise: x / 255, then (x - 0.5) / 0.5, on float32 tensors
      float[] torch =
          manager
              .create(ByteBuffer.wrap(every), new Shape(256), DataType.UINT8)
              .toType(DataType.FLOAT32, false)
              .div(255f)
              .sub(0.5f)
              .div(0.5f)
              .toFloatArray();
      float[] ours = FaceTensor.normalised(every);
      for (int value = 0; value < 256; value++) {
        assertEquals(torch[value], ours[value], 0f, "byte " + value);
      }
    }
  }
}
