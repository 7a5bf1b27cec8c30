package dev.workmesh.devstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The classes every {@code ./mesh} call loads are class files the JVM's AOT cache and class-data sharing keep:
 * those of Java 5 and older (picocli's published jar) are read and verified again on every call.
 */
class CacheableClassesTest {

  private static final int JAVA_21 = 65;

  @ParameterizedTest
  @ValueSource(strings = {"picocli.CommandLine", "picocli.CommandLine$Model$CommandSpec",
      "picocli.CommandLine$Help", "dev.workmesh.devstack.cli.MeshCli"})
  void isCompiledForJava21OrNewer(String className) throws IOException {
    assertThat(majorVersion(className)).isGreaterThanOrEqualTo(JAVA_21);
  }

  private static int majorVersion(String className) throws IOException {
    String resource = className.replace('.', '/') + ".class";
    try (InputStream in = MeshCli.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      DataInputStream data = new DataInputStream(in);
      assertThat(data.readInt()).as("class file magic of " + resource).isEqualTo(0xCAFEBABE);
      data.readUnsignedShort(); // minor version
      return data.readUnsignedShort();
    }
  }
}
