package org.medlora.service.imaging;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.medlora.imaging.DecodedImage;
import org.medlora.imaging.ImageDecoder;
import org.medlora.imaging.ImageLimits;
import org.medlora.imaging.UnsupportedImageException;
import org.medlora.service.config.MedloraConfig;

/**
 * Request images through the shared {@link ImageDecoder}, with the limits of
 * {@code medlora.images.*}: the same decoding the trainer uses, so serving cannot drift from it.
 */
@ApplicationScoped
public class ImageInput {

  @Inject MedloraConfig config;

  private ImageLimits limits;

  @PostConstruct
  void init() {
    limits = new ImageLimits(config.images().maxBytes(), config.images().maxPixels());
  }

  public ImageLimits limits() {
    return limits;
  }

  /**
   * Decodes a PNG or JPEG.
   *
   * @throws UnsupportedImageException whose reason maps to 415, 400 or 413
   */
  public DecodedImage decode(byte[] bytes) throws UnsupportedImageException {
    return ImageDecoder.decode(bytes, limits);
  }
}
