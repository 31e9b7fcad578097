package io.vsd.admin.vsadm;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reverse lookups for {@code -L} without {@code -n}, all at once and within a time budget: ipvsadm asks
 * one by one and can hang on a dead DNS server; an address that has no answer in time prints as a number.
 */
final class NameLookup {
    static final Duration BUDGET = Duration.ofSeconds(2);

    private NameLookup() {
    }

    /** The host name of each address that has one and answered within the budget. */
    static Map<InetAddress, String> hostNames(Collection<InetAddress> addresses, Resolver resolver, Duration budget) {
        ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
        Map<InetAddress, Future<Optional<String>>> pending = new HashMap<>();
        for (InetAddress address : new LinkedHashSet<>(addresses)) {
            pending.put(address, lookups.submit(() -> resolver.hostName(address)));
        }
        long deadline = System.nanoTime() + budget.toNanos();
        Map<InetAddress, String> names = new HashMap<>();
        try {
            for (var entry : pending.entrySet()) {
                long left = Math.max(0, deadline - System.nanoTime());
                try {
                    entry.getValue().get(left, TimeUnit.NANOSECONDS).ifPresent(n -> names.put(entry.getKey(), n));
                } catch (ExecutionException | TimeoutException e) {
                    // No name in time: the address prints as a number, as ipvsadm prints one without a name.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Not close(): that would wait for lookups stuck in DNS. Virtual threads don't keep the JVM up.
            lookups.shutdownNow();
        }
        return names;
    }
}
