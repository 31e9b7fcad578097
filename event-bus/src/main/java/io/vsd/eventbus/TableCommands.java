package io.vsd.eventbus;

/**
 * Commands to the service table on {@link Addresses#TABLE}. A command is a JSON object:
 * {@code {"action": ..., "service": "tcp/10.0.0.1:80", "server": "10.0.0.2:80", "body": {...}}}.
 * The reply is {@code {"ok": true, "version": N, "result": ...}} or
 * {@code {"ok": false, "kind": "VALIDATION|NOT_FOUND|CONFLICT|...", "problems": [{"pointer","detail"}]}}.
 */
public final class TableCommands {
  private TableCommands() {}

  public static final String LIST = "list";
  public static final String GET_SERVICE = "get-service";
  public static final String ADD_SERVICE = "add-service";
  public static final String EDIT_SERVICE = "edit-service";
  public static final String DELETE_SERVICE = "delete-service";
  public static final String CLEAR = "clear";
  public static final String ADD_SERVER = "add-server";
  public static final String EDIT_SERVER = "edit-server";
  public static final String DELETE_SERVER = "delete-server";
  /**
   * Several write commands applied all-or-nothing (vsadm -R): {@code {"action": "batch", "operations": [command,
   * ...]}}, each operation a command as above, optionally with {@code "line"} (named in a refusal). The reply's
   * result is {@code {"version": N, "operations": n}}.
   */
  public static final String BATCH = "batch";
}
