package io.vsd.director.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import io.vsd.eventbus.cluster.ClusterMember;
import io.vsd.eventbus.cluster.ClusterSettings;
import java.util.List;

/**
 * A Vert.x application that joins a vsd cluster and prints its streams, one line per message:
 * {@code vsd.config {...}}. docs/cluster.md shows it and how to run it:
 *
 * <pre>
 * java -cp "$(cat director/target/test-classpath.txt)" io.vsd.director.cluster.SubscriberExample \
 *     --cluster-name vsd --cluster-members 127.0.0.1:5701 --cluster-interface 127.0.0.1 --cluster-port 5799
 * </pre>
 *
 * It joins as a Hazelcast lite member: it holds none of the cluster's data and is no director.
 */
public final class SubscriberExample {
  private SubscriberExample() {}

  public static void main(String[] args) {
    String name = ClusterSettings.DEFAULT_NAME;
    String members = "127.0.0.1:" + ClusterSettings.DEFAULT_PORT;
    String iface = null;
    int port = 5799;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--cluster-name" -> name = args[i + 1];
        case "--cluster-members" -> members = args[i + 1];
        case "--cluster-interface" -> iface = args[i + 1];
        case "--cluster-port" -> port = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    ClusterSettings settings = new ClusterSettings(true, name, port, List.of(members.split(",")), iface, 0);
    Vertx vertx = ClusterMember.startSubscriber(settings, new VertxOptions()).await().vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
    List<String> streams = List.of(Addresses.CONFIG, Addresses.DIRECTORS, Addresses.STATS);
    Future.all(streams.stream().map(address -> vertx.eventBus().<JsonObject>consumer(address,
        m -> System.out.println(address + " " + m.body().encode())).completion()).toList()).await();
    System.out.println("subscribed to " + String.join(", ", streams));
  }
}
