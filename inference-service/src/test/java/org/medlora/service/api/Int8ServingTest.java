package org.medlora.service.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.medlora.service.testing.Api.api;
import static org.medlora.service.testing.Api.post;
import static org.medlora.service.testing.TestTasks.SEGMENTER;
import static org.medlora.service.testing.TestTasks.SEGMENTER_INT8;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medlora.service.testing.Api;
import org.medlora.service.testing.ModelStoreResource;
import org.medlora.service.testing.TestImages;

/**
 * An int8 export (ONNX opset 23: fused Attention, DynamicQuantizeLinear with MatMulInteger and
 * ConvInteger) is served like the float32 one on the CPU provider, and answers as it does.
 */
@QuarkusTest
@WithTestResource(value = ModelStoreResource.class,
    initArgs = @ResourceArg(name = "tasks", value = SEGMENTER + "," + SEGMENTER_INT8))
class Int8ServingTest {

  /**
   * Least share of mask pixels the int8 model labels as the float32 one. Measured once (no
   * script keeps it): 0.9976 on this 477x367 image (414 of 175,059 pixels differ), where the
   * float32 mask has all three classes. The export itself was held to a mean foreground Dice of
   * 0.98 against fp32 on held-out ultrasounds (it reached 0.9966, as its manifest records), so
   * the same 0.98 here leaves room for other CPUs' integer kernels while failing a model that
   * answers differently over whole regions.
   */
  static final double MIN_AGREEMENT = 0.98;

  @BeforeEach
  void ready() {
    Api.awaitReady();
  }

  @Test
  void showsTheInt8ManifestAndServesItOnTheCpuProvider() {
    api().get("/v1/models/" + SEGMENTER_INT8).then().statusCode(200)
        .body("model.version", equalTo(1))
        .body("manifest.precision", equalTo("int8"))
        .body("manifest.opset", equalTo(23))
        .body("manifest.verification.quantization.images", equalTo(6));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains(
        "medlora_model_execution_provider{provider=\"cpu\",task=\"" + SEGMENTER_INT8 + "\"} 1.0"), metrics);
  }

  @Test
  void segmentsAnUltrasoundAsTheFloat32ModelDoes() throws IOException {
    byte[] image = Files.readAllBytes(TestImages.ultrasound());
    int[] int8 = mask(SEGMENTER_INT8, image);
    int[] fp32 = mask(SEGMENTER, image);
    assertTrue(Arrays.stream(fp32).distinct().count() > 1, "the float32 mask has more than one class, "
        + "so agreeing on it takes more than answering one class everywhere");
    int same = 0;
    for (int i = 0; i < fp32.length; i++) {
      same += int8[i] == fp32[i] ? 1 : 0;
    }
    double agreement = (double) same / fp32.length;
    assertTrue(agreement >= MIN_AGREEMENT, String.format("int8 labels %.4f of the pixels as fp32, below %.2f",
        agreement, MIN_AGREEMENT));
  }

  /** The label mask {@code task} answers for {@code png}, at the image's own size. */
  private static int[] mask(String task, byte[] png) {
    byte[] answer = post("/v1/models/" + task + "/segment", "image/png", png)
        .statusCode(200).contentType("image/png").header("Medlora-Model-Version", "1")
        .extract().asByteArray();
    BufferedImage mask = TestImages.read(answer);
    assertArrayEquals(TestImages.size(png), new int[] {mask.getWidth(), mask.getHeight()}, task);
    return mask.getRaster().getSamples(0, 0, mask.getWidth(), mask.getHeight(), 0, (int[]) null);
  }
}
