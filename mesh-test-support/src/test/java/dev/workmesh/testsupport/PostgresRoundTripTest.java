package dev.workmesh.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

@MeshIntegrationTest
class PostgresRoundTripTest {

  @Test
  void aRowWrittenIsReadBackFromARealPostgres17Server(TestDatabase database) throws Exception {
    try (HikariDataSource ds = database.newDataSource(2);
        Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE note (id bigint PRIMARY KEY, body text NOT NULL)");
      s.execute("INSERT INTO note VALUES (1, 'hello mesh')");
      try (ResultSet rs = s.executeQuery("SELECT body, current_setting('server_version_num')::int FROM note")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("hello mesh");
        assertThat(rs.getInt(2)).isBetween(170000, 179999);
      }
    }
  }

  @Test
  void eachTestClassHasADatabaseOfItsOwn(TestDatabase database) {
    MeshTestEnv other = MeshTestEnv.forClass(ShareGroupDeliveryTest.class);
    assertThat(other.database().name()).isNotEqualTo(database.name());
    assertThat(other.kafka().topicPrefix()).isNotEqualTo(MeshTestEnv.forClass(getClass()).kafka().topicPrefix());
  }
}
