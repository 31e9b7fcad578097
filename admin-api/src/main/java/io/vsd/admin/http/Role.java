package io.vsd.admin.http;

/** What a bearer token of the admin API may do (docs/admin-api.md, "Authentication"). */
public enum Role {
  /** Everything: reads, changes, the streams. */
  ADMIN("admin"),
  /** GET and HEAD, and the status streams (SSE, the SockJS bridge); every change is refused with 403. */
  READ_ONLY("read-only");

  private final String text;

  Role(String text) {
    this.text = text;
  }

  /** The role's name as the config file writes it. */
  public String text() {
    return text;
  }

  /** A role from its config-file name; null when there is no such role. */
  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.text.equals(text)) {
        return r;
      }
    }
    return null;
  }
}
