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
   * ipvsadm --set: {@code {"action": "set-timeouts", "body": {"tcp": N, "tcpfin": N, "udp": N}}}, each field
   * optional, 0 or absent keeping the current value. The reply's result is the timeouts after the change. The
   * timeouts are read with {@link #LIST} (the table's "timeouts").
   */
  public static final String SET_TIMEOUTS = "set-timeouts";
  /**
   * Several write commands applied all-or-nothing (vsadm -R): {@code {"action": "batch", "operations": [command,
   * ...]}}, each operation a command as above, optionally with {@code "line"} (named in a refusal). The reply's
   * result is {@code {"version": N, "operations": n}}.
   */
  public static final String BATCH = "batch";
}
