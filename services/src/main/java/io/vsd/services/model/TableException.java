package io.vsd.services.model;

import java.util.List;

/** A table command that was refused. Nothing was changed. */
public final class TableException extends RuntimeException {

  /** The kind of refusal; the admin API maps each to an HTTP status. */
  public enum Kind { VALIDATION, NOT_FOUND, CONFLICT, PRECONDITION_FAILED, INTERNAL }

  private final Kind kind;
  private final List<Problem> problems;

  public TableException(Kind kind, List<Problem> problems) {
    super(problems.isEmpty() ? kind.name() : problems.getFirst().detail());
    this.kind = kind;
    this.problems = List.copyOf(problems);
  }

  public TableException(Kind kind, String detail) {
    this(kind, List.of(new Problem("", detail)));
  }

  public Kind kind() {
    return kind;
  }

  public List<Problem> problems() {
    return problems;
  }
}
