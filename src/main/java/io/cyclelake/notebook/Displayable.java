package io.cyclelake.notebook;

import java.util.Map;

/**
 * Something a notebook shows richly: its representations by MIME type (for example {@code image/svg+xml} and
 * {@code text/plain}), in the order a front end should prefer them. Plain Java: the kernel turns it into Jupyter
 * display data, and without a kernel {@link Display#show} prints the {@code text/plain} form.
 */
public interface Displayable {
  Map<String, String> mimeBundle();
}
