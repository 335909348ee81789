package org.medlora.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The native build's registrations (README, "Native build") still match the code: no GraalVM runs
 * here, so a renamed class or a moved resource would otherwise surface only in a native build
 * elsewhere. Every class the JNI and reflection files name exists, every package or class
 * initialized at run time exists, and every resource pattern matches a file of the jars it is for.
 */
class NativeConfigurationTest {

  private static final String DIR = "META-INF/native-image/org.medlora/medlora-inference-service/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jniAndReflectionFilesNameClassesThatExist() throws Exception {
    for (String file : List.of("jni-config.json", "reflect-config.json")) {
      JsonNode entries = read(file);
      assertTrue(entries.size() > 0, file + " is empty");
      for (JsonNode entry : entries) {
        String name = entry.get("name").asText();
        Class.forName(name, false, getClass().getClassLoader()); // throws when it does not exist
      }
    }
  }

  @Test
  void nativeImagePropertiesNameFilesAndRunTimeInitializedCodeThatExist() throws Exception {
    Properties properties = new Properties();
    try (InputStream in = resource("native-image.properties")) {
      properties.load(in);
    }
    String args = properties.getProperty("Args");
    Matcher files = Pattern.compile("-H:\\w+ConfigurationResources=\\$\\{\\.}/(\\S+)").matcher(args);
    int fileCount = 0;
    while (files.find()) {
      resource(files.group(1)).close();
      fileCount++;
    }
    assertTrue(fileCount == 3, "expected the JNI, reflection and resource files in Args: " + args);
    Matcher runTime = Pattern.compile("--initialize-at-run-time=(\\S+)").matcher(args);
    assertTrue(runTime.find(), args);
    for (String name : runTime.group(1).split(",")) {
      boolean isClass = classExists(name);
      boolean isPackage = getClass().getClassLoader().getResource(name.replace('.', '/') + "/") != null;
      assertTrue(isClass || isPackage, name + " in --initialize-at-run-time is neither a class nor a package");
    }
  }

  @Test
  void everyResourcePatternMatchesAFileOfTheJarsItRegisters() throws Exception {
    List<Path> jars = List.of(jarOf(OrtEnvironment.class), jarOf(ColorSpaces.class), jarOf(JPEGImageReader.class));
    for (JsonNode include : read("resource-config.json").get("resources").get("includes")) {
      Pattern pattern = Pattern.compile(include.get("pattern").asText());
      List<String> matches = new ArrayList<>();
      for (Path jar : jars) {
        try (JarFile jarFile = new JarFile(jar.toFile())) {
          jarFile.stream().map(e -> e.getName()).filter(n -> pattern.matcher(n).matches()).forEach(matches::add);
        }
      }
      assertFalse(matches.isEmpty(), "resource pattern " + pattern + " matches nothing in " + jars);
    }
  }

  private JsonNode read(String file) throws IOException {
    try (InputStream in = resource(file)) {
      return JSON.readTree(in);
    }
  }

  private InputStream resource(String file) {
    InputStream in = getClass().getClassLoader().getResourceAsStream(DIR + file);
    assertNotNull(in, DIR + file + " is missing");
    return in;
  }

  private boolean classExists(String name) {
    try {
      Class.forName(name, false, getClass().getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static Path jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
