package io.vsd.eventbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.eventbus.Addresses;
import java.util.Comparator;
import java.util.List;

/**
 * The membership view: which directors are in the cluster. It answers {@link Addresses#DIRECTORS_VIEW} on
 * this director, and publishes each join and leave on {@link Addresses#DIRECTORS} (once per change, from the
 * oldest member). Standalone, the view is this director alone and nothing is published. The schemas are in
 * docs/event-bus.md; the health verticle shards probing over this view (docs/cluster.md).
 */
public final class DirectorsVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(DirectorsVerticle.class.getName());

  private final ClusterMember cluster;
  private final String self;
  private AutoCloseable membership;

  /** @param cluster null when standalone */
  public DirectorsVerticle(ClusterMember cluster, String self) {
    this.cluster = cluster;
    this.self = self;
  }

  @Override
  public Future<?> start() {
    if (cluster != null) {
      membership = cluster.onMembership(change -> context.runOnContext(v -> changed(change)));
    }
    return vertx.eventBus().localConsumer(Addresses.DIRECTORS_VIEW, m -> m.reply(view())).completion();
  }

  @Override
  public Future<?> stop() throws Exception {
    if (membership != null) {
      membership.close();
    }
    return Future.succeededFuture();
  }

  private List<ClusterMember.DirectorInfo> directors() {
    if (cluster == null) {
      return List.of(new ClusterMember.DirectorInfo(self, null));
    }
    return cluster.directors().stream().sorted(Comparator.comparing(ClusterMember.DirectorInfo::id)).toList();
  }

  /** docs/event-bus.md, DirectorsView. */
  JsonObject view() {
    JsonArray list = new JsonArray();
    directors().forEach(d -> list.add(new JsonObject().put("id", d.id()).put("address", d.address())));
    return new JsonObject()
        .put("cluster", cluster == null ? null : cluster.settings().name())
        .put("self", self)
        .put("directors", list)
        .put("time", System.currentTimeMillis());
  }

  private void changed(ClusterMember.MembershipChange change) {
    List<String> ids = directors().stream().map(ClusterMember.DirectorInfo::id).toList();
    LOG.log(System.Logger.Level.INFO, "director " + change.director().id() + " at " + change.director().address()
        + (change.joined() ? " joined" : " left") + " cluster \"" + cluster.settings().name() + "\"; directors now: "
        + String.join(", ", ids));
    if (!change.reportedHere()) {
      return;
    }
    vertx.eventBus().publish(Addresses.DIRECTORS, new JsonObject()
        .put("event", change.joined() ? "joined" : "left")
        .put("director", change.director().id())
        .put("address", change.director().address())
        .put("cluster", cluster.settings().name())
        .put("directors", new JsonArray(ids))
        .put("reporter", self)
        .put("time", System.currentTimeMillis()));
  }
}
