package dev.workmesh.bench.mesh;

import dev.workmesh.bench.BenchOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a scenario's mesh is laid out: the partitions of its topics and how many mesh-api replicas serve it.
 *
 * @param partitions {@code mesh-api.kafka.partitions}, the partitions of every topic mesh-api creates (the
 *     pooled topic among them); 0 leaves mesh-api's own setting
 * @param replicas mesh-api instances over the same database, broker and topic prefix
 */
public record MeshTopology(int partitions, int replicas) {

  public MeshTopology {
    if (partitions < 0 || replicas < 1) {
      throw new IllegalArgumentException("partitions must be 0 (mesh-api's own) or more, replicas at least 1; got "
          + partitions + " and " + replicas);
    }
  }

  public static MeshTopology of(BenchOptions o) {
    return new MeshTopology(o.partitions(), o.replicas());
  }

  /** The settings every replica starts with. */
  Map<String, String> apiSettings() {
    return partitions == 0 ? Map.of() : Map.of("mesh-api.kafka.partitions", Integer.toString(partitions));
  }

  /**
   * The {@code task-worker.api-url} of worker {@code worker}: every replica, starting with replica {@code
   * worker mod R}. task-worker uses one URL at a time and moves on only when it cannot reach it, so the
   * workers are spread over the replicas round-robin and each can still fail over to the others.
   */
  static String apiUrlFor(int worker, List<String> replicaUrls) {
    List<String> urls = new ArrayList<>(replicaUrls.size());
    for (int i = 0; i < replicaUrls.size(); i++) {
      urls.add(replicaUrls.get((worker + i) % replicaUrls.size()));
    }
    return String.join(",", urls);
  }
}
