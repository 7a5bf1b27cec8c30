package dev.workmesh.core.db;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every store in mesh-core shares: the JDBC client, transactions, the clock and JSON. Plain Spring
 * JDBC, no web framework. Conversions between Java and PostgreSQL types live here, once.
 */
public final class MeshDb {

  private final DataSource dataSource;
  private final JdbcClient jdbc;
  private final TransactionTemplate tx;
  private final TransactionTemplate savepoint;
  private final Clock clock;
  private final JsonMapper json;

  public MeshDb(DataSource dataSource, PlatformTransactionManager transactions, Clock clock, JsonMapper json) {
    this.dataSource = dataSource;
    this.jdbc = JdbcClient.create(dataSource);
    this.tx = new TransactionTemplate(transactions);
    this.savepoint = new TransactionTemplate(transactions);
    this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    this.clock = clock;
    this.json = json;
  }

  public MeshDb(DataSource dataSource, Clock clock) {
    this(dataSource, new DataSourceTransactionManager(dataSource), clock, dev.workmesh.core.MeshJson.mapper());
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public JdbcClient jdbc() {
    return jdbc;
  }

  public Clock clock() {
    return clock;
  }

  public JsonMapper json() {
    return json;
  }

  public Instant now() {
    return clock.instant();
  }

  /** Runs {@code work} in one transaction (joining the caller's, if any). */
  public <T> T inTransaction(Supplier<T> work) {
    return tx.execute(status -> work.get());
  }

  public void inTransaction(Runnable work) {
    tx.executeWithoutResult(status -> work.run());
  }

  /**
   * Runs {@code work} inside the caller's transaction behind a savepoint: if it throws, only its own
   * changes are undone and the caller's transaction goes on (one refused item of a batch does not undo
   * the others). In a transaction.
   */
  public <T> T inSavepoint(Supplier<T> work) {
    return savepoint.execute(status -> work.get());
  }

  // --- conversions -------------------------------------------------------------------------------

  public static OffsetDateTime ts(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  public static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }

  public static UUID uuid(ResultSet rs, String column) throws SQLException {
    return rs.getObject(column, UUID.class);
  }

  public static SqlArrayValue textArray(List<String> values) {
    return new SqlArrayValue("text", values.toArray());
  }

  public static SqlArrayValue uuidArray(List<UUID> values) {
    return new SqlArrayValue("uuid", values.toArray());
  }

  public static List<String> textList(ResultSet rs, String column) throws SQLException {
    Array array = rs.getArray(column);
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  public static List<UUID> uuidList(ResultSet rs, String column) throws SQLException {
    Array array = rs.getArray(column);
    return array == null ? List.of() : Arrays.asList((UUID[]) array.getArray());
  }

  public JsonNode readJson(ResultSet rs, String column) throws SQLException {
    String text = rs.getString(column);
    return text == null ? null : json.readTree(text);
  }

  public String writeJson(Object value) {
    return value == null ? null : json.writeValueAsString(value);
  }
}
