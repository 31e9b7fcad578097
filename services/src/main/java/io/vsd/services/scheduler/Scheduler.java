package io.vsd.services.scheduler;

/**
 * A scheduling algorithm bound to one snapshot of one virtual service's real servers.
 *
 * <p>{@link #pick} runs on every event loop at once: it takes no lock, never blocks, and keeps whatever
 * position it has (rr's last pick, wrr's current weight) in atomics shared by all threads, so the sequence
 * is per service, not per thread. A new snapshot of the service gets a new scheduler, which starts again
 * from the head of the list, as IPVS does when the server set changes.
 */
public interface Scheduler {

  /** The real server for a new connection, or null when no real server is available. */
  Destination pick(PickContext context);
}
