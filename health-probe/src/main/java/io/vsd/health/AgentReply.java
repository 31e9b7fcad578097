package io.vsd.health;

import java.util.Locale;

/**
 * A reply of an HAProxy agent (agent-check): words separated by spaces, commas or tabs, up to a newline.
 * {@code up} and {@code ready} say up; {@code down}, {@code fail}, {@code stopped} and {@code maint} say down;
 * {@code drain} is up with weight 0 (quiescent); {@code NN%} scales the configured weight; {@code weight:N} sets
 * it (a vsd extension). Other words ({@code maxconn:N}) are ignored; what follows {@code #} is a description.
 *
 * @param state   true up, false down, null when the agent said neither (the check then counts as passed)
 * @param weight  the weight it set, or null
 * @param words   what it said, for messages
 */
record AgentReply(Boolean state, CheckResult.DynamicWeight weight, String words) {

  static AgentReply parse(String line) {
    int hash = line.indexOf('#');
    String text = hash >= 0 ? line.substring(0, hash) : line;
    Boolean state = null;
    CheckResult.DynamicWeight weight = null;
    for (String word : text.trim().split("[\\s,]+")) {
      String w = word.toLowerCase(Locale.ROOT);
      switch (w) {
        case "up", "ready" -> state = Boolean.TRUE;
        case "down", "fail", "stopped", "maint" -> state = Boolean.FALSE;
        case "drain" -> {
          state = state == null ? Boolean.TRUE : state;
          weight = new CheckResult.DynamicWeight(null, 0);
        }
        default -> {
          if (w.matches("\\d{1,3}%")) {
            weight = new CheckResult.DynamicWeight(null, Math.min(256, Integer.parseInt(w.substring(0, w.length() - 1))));
          } else if (w.matches("weight:\\d{1,5}")) {
            weight = new CheckResult.DynamicWeight(Math.min(65535, Integer.parseInt(w.substring(7))), null);
          }
        }
      }
    }
    return new AgentReply(state, weight, line.strip());
  }
}
