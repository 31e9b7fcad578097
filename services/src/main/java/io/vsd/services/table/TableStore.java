package io.vsd.services.table;

import java.io.IOException;

/** Where the table is kept so that it survives a restart. Calls block: run them off the event loop. */
public interface TableStore {

  void save(ServiceTable table) throws IOException;

  /** A store that keeps nothing, for tests and for callers that persist elsewhere. */
  TableStore NONE = table -> {};
}
