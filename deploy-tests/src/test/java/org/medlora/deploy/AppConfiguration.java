package org.medlora.deploy;

import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What configuration one application reads, taken from the application itself: the keys of its
 * {@code @ConfigMapping} interface, the keys and {@code ${VAR:...}} placeholders of its
 * {@code application.properties}, and the {@code @ConfigProperty} names of libraries it hands
 * configuration to. Each key is reachable as the environment variable SmallRye Config derives
 * from it (upper case, every other character an underscore).
 *
 * @param properties the application's own {@code application.properties}
 * @param environmentNames every environment variable that maps to a key it reads
 */
record AppConfiguration(Properties properties, Set<String> environmentNames) {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]");

  static AppConfiguration of(Class<?> configMapping, String prefix, Class<?>... libraryReaders) {
    Properties properties = applicationProperties(configMapping);
    Set<String> names = new TreeSet<>();
    mappingKeys(configMapping, prefix, names);
    for (String key : properties.stringPropertyNames()) {
      names.add(environmentName(key.replaceFirst("^%[a-z]+\\.", "")));
      Matcher m = PLACEHOLDER.matcher(properties.getProperty(key));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    for (Class<?> reader : libraryReaders) {
      for (Field f : reader.getDeclaredFields()) {
        ConfigProperty p = f.getAnnotation(ConfigProperty.class);
        if (p != null) {
          names.add(environmentName(p.name()));
        }
      }
    }
    return new AppConfiguration(properties, Set.copyOf(names));
  }

  /**
   * True when the application reads {@code name}: one of its keys, or a Kafka client setting,
   * since both applications pass every {@code kafka.*} key to their clients (README,
   * "Connecting to a secured Kafka").
   */
  boolean reads(String name) {
    return environmentNames.contains(name) || name.startsWith("KAFKA_");
  }

  /** Quarkus' HTTP port of this application: its {@code quarkus.http.port}, else 8080. */
  int httpPort() {
    return Integer.parseInt(properties.getProperty("quarkus.http.port", "8080"));
  }

  /** SmallRye Config's environment name of a key: {@code medlora.store.path} -> MEDLORA_STORE_PATH. */
  static String environmentName(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
  }

  private static void mappingKeys(Class<?> group, String prefix, Set<String> names) {
    for (Method m : group.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) {
        continue;
      }
      WithName withName = m.getAnnotation(WithName.class);
      String key = prefix + "." + (withName != null ? withName.value() : kebab(m.getName()));
      if (m.getReturnType().isInterface() && m.getReturnType().getEnclosingClass() == group) {
        mappingKeys(m.getReturnType(), key, names);
      } else {
        names.add(environmentName(key));
      }
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The application.properties in the jar that holds {@code appClass}, not any other on the path. */
  private static Properties applicationProperties(Class<?> appClass) {
    URL jar = appClass.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader only = new URLClassLoader(new URL[] {jar}, null);
        InputStream in = only.getResourceAsStream("application.properties")) {
      if (in == null) {
        throw new IllegalStateException("no application.properties in " + jar);
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
