package dev.workmesh.core.mission;

import dev.workmesh.core.ConflictException;
import dev.workmesh.core.Ids;
import dev.workmesh.core.NotFoundException;
import dev.workmesh.core.ValidationException;
import dev.workmesh.core.db.MeshDb;
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

  private static final RowMapper<Mission> MAPPER =
      (rs, i) -> new Mission(MeshDb.uuid(rs, "id"), rs.getString("name"), rs.getString("description"),
          MeshDb.instant(rs, "created_at"));

  private final MeshDb db;

  public MissionStore(MeshDb db) {
    this.db = db;
  }

  /** Creates a mission; a name that is taken is a conflict. */
  public Mission create(String name, String description) {
    validate(name, description);
    Mission mission = new Mission(Ids.uuidV7(db.clock()), name, description == null ? "" : description, db.now());
    int inserted =
        db.jdbc()
            .sql("INSERT INTO mission (id, name, description, created_at) VALUES (:id, :name, :description, :at)"
                + " ON CONFLICT (name) DO NOTHING")
            .param("id", mission.id())
            .param("name", mission.name())
            .param("description", mission.description())
            .param("at", MeshDb.ts(mission.createdAt()))
            .update();
    if (inserted == 0) {
      throw new ConflictException("a mission named '" + name + "' already exists; pick another name or use it");
    }
    return mission;
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
