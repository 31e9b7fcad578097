package io.vsd.services.table;

import java.io.IOException;

/** Where the table is kept so that it survives a restart. Calls block: run them off the event loop. */
public interface TableStore {

  void save(ServiceTable table) throws IOException;

  /**
   * Saves a clustered director's table with its history of deletions ({@link ReplicatedTable#historyJson()}), so
   * that a whole-cluster restart does not bring a deleted service back.
   */
  default void save(ServiceTable table, io.vertx.core.json.JsonObject history) throws IOException {
    save(table);
  }

  /** A store that keeps nothing, for tests and for callers that persist elsewhere. */
  TableStore NONE = table -> {};
}
