package io.cyclelake.model;

import io.cyclelake.errors.CycleLakeException;
import io.cyclelake.errors.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/** Java serialisation of the plain-Java models (small arrays of coefficients or tree nodes). */
public final class Serialized {
  private Serialized() {}

  public static byte[] bytes(Serializable o) {
    try (ByteArrayOutputStream b = new ByteArrayOutputStream(); ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
      out.flush();
      return b.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise " + o.getClass().getName(), e);
    }
  }

  public static <T> T read(byte[] bytes, Class<T> type, String model) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      Object o = in.readObject();
      if (!type.isInstance(o)) {
        throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "saved model is a " + o.getClass().getName()
            + ", not a " + model + " model (" + type.getName() + ")");
      }
      return type.cast(o);
    } catch (IOException | ClassNotFoundException e) {
      throw new CycleLakeException(ErrorCode.INPUT_MALFORMED, "cannot read a saved " + model + " model: " + e, null, e);
    }
  }
}
