package io.vsd.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardingTest {
  static final List<String> KEYS = new ArrayList<>();

  static {
    for (int i = 0; i < 10_000; i++) {
      KEYS.add(Long.toHexString(i * 0x9e3779b97f4a7c15L));
    }
  }

  static Map<String, String> assign(List<String> members) {
    Map<String, String> m = new HashMap<>();
    KEYS.forEach(k -> m.put(k, Sharding.owner(k, members)));
    return m;
  }

  @Test
  void alone_ownsEverything() {
    assertTrue(KEYS.stream().allMatch(k -> Sharding.owner(k, List.of("lb1")).equals("lb1")));
  }

  @Test
  void theOwnerDoesNotDependOnTheOrderOfMembers() {
    assertEquals(assign(List.of("lb1", "lb2", "lb3")), assign(List.of("lb3", "lb1", "lb2")));
  }

  @Test
  void checksAreSpreadEvenly() {
    for (int n = 2; n <= 5; n++) {
      List<String> members = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        members.add("director-" + i);
      }
      Map<String, Integer> counts = new HashMap<>();
      assign(members).values().forEach(o -> counts.merge(o, 1, Integer::sum));
      double fair = KEYS.size() / (double) n;
      for (String m : members) {
        int c = counts.getOrDefault(m, 0);
        assertTrue(Math.abs(c - fair) < fair * 0.1, n + " members: " + m + " owns " + c + ", fair " + fair);
      }
    }
  }

  @Test
  void aJoinOrALeaveMovesOnlyWhatItMust() {
    Map<String, String> three = assign(List.of("a", "b", "c"));
    Map<String, String> four = assign(List.of("a", "b", "c", "d"));
    int moved = 0;
    for (String k : KEYS) {
      if (!three.get(k).equals(four.get(k))) {
        assertEquals("d", four.get(k), "a join moves checks only to the newcomer");
        moved++;
      }
    }
    assertTrue(Math.abs(moved - KEYS.size() / 4.0) < KEYS.size() * 0.03, "about a quarter moved: " + moved);
    Map<String, String> withoutB = assign(List.of("a", "c"));
    for (String k : KEYS) {
      if (!three.get(k).equals("b")) {
        assertEquals(three.get(k), withoutB.get(k), "a leave moves only the leaver's checks");
      }
    }
  }
}
