package dev.workmesh.worker.secrets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secret values whose every occurrence in an attempt's output is masked before the output is kept or
 * shipped: the worker's own tokens and credentials, each value its secrets broker serves, and (in an
 * attempt's {@link #including() own set}) that attempt's claim token. Values shorter than
 * {@link #MIN_LENGTH} characters are not kept: masking every occurrence of a two-letter string would
 * destroy the output and protect nothing.
 */
public final class KnownSecrets {

  /** The shortest value that is masked. */
  public static final int MIN_LENGTH = 4;
  private static final Comparator<byte[]> LONGEST_FIRST = Comparator.comparingInt((byte[] b) -> b.length).reversed();

  private final KnownSecrets wider;
  private final Set<String> values = ConcurrentHashMap.newKeySet();
  private volatile List<byte[]> own = List.of();

  public KnownSecrets() {
    this(null);
  }

  private KnownSecrets(KnownSecrets wider) {
    this.wider = wider;
  }

  /** A set of its own (for one attempt) that also masks every value of this one, now and later. */
  public KnownSecrets including() {
    return new KnownSecrets(this);
  }

  /** Adds a value, and its form without surrounding blanks; null and short values are ignored. */
  public void add(String value) {
    if (value == null || value.strip().length() < MIN_LENGTH) {
      return;
    }
    boolean added = values.add(value);
    added |= values.add(value.strip());
    if (added) {
      synchronized (this) {
        own = values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).sorted(LONGEST_FIRST).toList();
      }
    }
  }

  /** The values as UTF-8, longest first, so that a value containing another is masked whole. */
  public List<byte[]> utf8LongestFirst() {
    if (wider == null) {
      return own;
    }
    List<byte[]> all = new ArrayList<>(wider.utf8LongestFirst());
    all.addAll(own);
    all.sort(LONGEST_FIRST);
    return all;
  }
}
