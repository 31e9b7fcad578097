package io.vsd.health;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.concurrent.ExecutorService;

/**
 * What checkers share, made once by the verticle and kept referenced for its life: the Vert.x instance, one
 * NetClient for every TCP, HTTP(S) and agent check, and a virtual-thread executor for exec checks.
 *
 * @param execAllowed whether exec checks may run commands on this director ({@code director.exec-checks})
 */
record CheckContext(Vertx vertx, NetClient net, ExecutorService blocking, boolean execAllowed) {}
