package dev.workmesh.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class its {@link MeshTestEnv} on the JVM-wide PostgreSQL and Kafka: inject {@link
 * MeshTestEnv}, {@link TestDatabase} or {@link TestKafka} into constructors, lifecycle methods or tests.
 * Starting the servers happens before the first test of the class; a failure fails the class.
 */
public final class MeshInfraExtension implements BeforeAllCallback, ParameterResolver {

  @Override
  public void beforeAll(ExtensionContext context) {
    MeshTestEnv.forClass(context.getRequiredTestClass());
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == MeshTestEnv.class || type == TestDatabase.class || type == TestKafka.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
      throws ParameterResolutionException {
    MeshTestEnv env = MeshTestEnv.forClass(context.getRequiredTestClass());
    Class<?> type = parameter.getParameter().getType();
    if (type == TestDatabase.class) {
      return env.database();
    }
    if (type == TestKafka.class) {
      return env.kafka();
    }
    return env;
  }
}
