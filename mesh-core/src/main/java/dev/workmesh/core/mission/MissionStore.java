package dev.workmesh.core.mission;

import dev.workmesh.core.ConflictException;
import dev.workmesh.core.Ids;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.db.MeshDb;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.RowMapper;

/** Creates and reads missions. */
public final class MissionStore {

  /** Mission names: readable slugs, so that they work in URLs, cron files and CLIs. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  public static final int MAX_DESCRIPTION = 10_000;

  private static final RowMapper<Mission> MAPPER = (rs, i) -> {
    long budgetTokens = rs.getLong("budget_tokens");
    Long tokens = rs.wasNull() ? null : budgetTokens;
    BigDecimal cost = rs.getBigDecimal("budget_cost_usd");
    return new Mission(MeshDb.uuid(rs, "id"), rs.getString("name"), rs.getString("description"),
        MeshDb.instant(rs, "created_at"), tokens == null && cost == null ? null : new MissionBudget(tokens, cost),
        rs.getLong("spent_input_tokens"), rs.getLong("spent_output_tokens"),
        rs.getBigDecimal("spent_cost_usd"), rs.getBoolean("budget_exhausted"));
  };

  private final MeshDb db;

  public MissionStore(MeshDb db) {
    this.db = db;
  }

  /** Creates a mission with no budget; a name that is taken is a conflict. */
  public Mission create(String name, String description) {
    return create(name, description, null);
  }

  /**
   * Creates a mission; a name that is taken is a conflict.
   *
   * @param budget what its attempts may spend, or null for no limit
   */
  public Mission create(String name, String description, MissionBudget budget) {
    validate(name, description);
    MissionBudget limit = checked(budget);
    UUID id = Ids.uuidV7(db.clock());
    int inserted =
        db.jdbc()
            .sql("INSERT INTO mission (id, name, description, created_at, budget_tokens, budget_cost_usd)"
                + " VALUES (:id, :name, :description, :at, :tokens, :cost) ON CONFLICT (name) DO NOTHING")
            .param("id", id)
            .param("name", name)
            .param("description", description == null ? "" : description)
            .param("at", MeshDb.ts(db.now()))
            .param("tokens", limit == null ? null : limit.tokens(), java.sql.Types.BIGINT)
            .param("cost", limit == null ? null : limit.costUsd(), java.sql.Types.NUMERIC)
            .update();
    if (inserted == 0) {
      throw new ConflictException("a mission named '" + name + "' already exists; pick another name or use it");
    }
    return get(id);
  }

  /**
   * Replaces a mission's budget (null or no limits: unlimited). Raising a spent budget makes its ready
   * tasks claimable again; lowering it below what was spent holds them back at once.
   */
  public Mission setBudget(UUID id, MissionBudget budget) {
    MissionBudget limit = checked(budget);
    int updated = db.jdbc()
        .sql("UPDATE mission SET budget_tokens = :tokens, budget_cost_usd = :cost WHERE id = :id")
        .param("tokens", limit == null ? null : limit.tokens(), java.sql.Types.BIGINT)
        .param("cost", limit == null ? null : limit.costUsd(), java.sql.Types.NUMERIC)
        .param("id", id)
        .update();
    if (updated == 0) {
      throw new NotFoundException("mission", id);
    }
    return get(id);
  }

  /** The budget if valid, null when it sets no limit. */
  private static MissionBudget checked(MissionBudget budget) {
    if (budget == null) {
      return null;
    }
    List<ValidationException.Violation> violations = new ArrayList<>();
    budget.check("budget", violations);
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return budget.limited() ? budget : null;
  }

  /** The mission with this name, created if there is none (for the scheduler's job files). */
  public Mission ensure(String name) {
    return findByName(name).orElseGet(() -> {
      validate(name, "");
      db.jdbc()
          .sql("INSERT INTO mission (id, name, description, created_at) VALUES (:id, :name, '', :at)"
              + " ON CONFLICT (name) DO NOTHING")
          .param("id", Ids.uuidV7(db.clock()))
          .param("name", name)
          .param("at", MeshDb.ts(db.now()))
          .update();
      return findByName(name).orElseThrow();
    });
  }

  public Optional<Mission> find(UUID id) {
    return db.jdbc().sql("SELECT * FROM mission WHERE id = :id").param("id", id).query(MAPPER).optional();
  }

  public Mission get(UUID id) {
    return find(id).orElseThrow(() -> new NotFoundException("mission", id));
  }

  public Optional<Mission> findByName(String name) {
    return db.jdbc().sql("SELECT * FROM mission WHERE name = :name").param("name", name).query(MAPPER).optional();
  }

  /** A page of missions in creation order, after the id {@code after} (null for the first page). */
  public List<Mission> list(UUID after, int limit) {
    return db.jdbc()
        .sql("SELECT * FROM mission WHERE (CAST(:after AS uuid) IS NULL OR id > CAST(:after AS uuid)) ORDER BY id LIMIT :limit")
        .param("after", after)
        .param("limit", limit)
        .query(MAPPER)
        .list();
  }

  private static void validate(String name, String description) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ValidationException.of("name",
          "is required: 1 to 100 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    if (description != null && (description.length() > MAX_DESCRIPTION || description.indexOf('\0') >= 0)) {
      throw ValidationException.of("description", "must be at most " + MAX_DESCRIPTION + " characters, without NUL");
    }
  }
}
