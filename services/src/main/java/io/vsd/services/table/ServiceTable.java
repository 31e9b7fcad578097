package io.vsd.services.table;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vsd.services.model.Endpoint;
import io.vsd.services.model.RealServer;
import io.vsd.services.model.ServiceJson;
import io.vsd.services.model.ServiceKey;
import io.vsd.services.model.TableException;
import io.vsd.services.model.Timeouts;
import io.vsd.services.model.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The virtual-service table at one version: immutable. Every change returns a new table whose version is
 * one higher, or throws {@link TableException} and changes nothing.
 */
public final class ServiceTable {
  private final long version;
  private final Map<ServiceKey, VirtualService> services;
  /** The connection timeouts (ipvsadm --set): the table's, not a service's. */
  private final Timeouts timeouts;

  public static final ServiceTable EMPTY = new ServiceTable(0, Map.of());

  public ServiceTable(long version, Map<ServiceKey, VirtualService> services) {
    this(version, services, Timeouts.DEFAULT);
  }

  public ServiceTable(long version, Map<ServiceKey, VirtualService> services, Timeouts timeouts) {
    this.version = version;
    this.services = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(services));
    this.timeouts = java.util.Objects.requireNonNull(timeouts, "timeouts");
  }

  /** A table holding {@code services} (validated already), as loaded from a file. */
  public static ServiceTable of(long version, Collection<VirtualService> services) {
    Map<ServiceKey, VirtualService> map = new LinkedHashMap<>();
    for (VirtualService s : services) {
      if (map.putIfAbsent(s.key(), s) != null) {
        throw new TableException(TableException.Kind.CONFLICT, "duplicate virtual service " + s.key());
      }
    }
    return new ServiceTable(version, map);
  }

  public long version() {
    return version;
  }

  public Timeouts timeouts() {
    return timeouts;
  }

  /** This table with other timeouts (a config file's), at the same version. */
  public ServiceTable withTimeouts(Timeouts t) {
    return new ServiceTable(version, services, t);
  }

  /** ipvsadm --set: the new timeouts, stamped with the new table version. */
  public ServiceTable setTimeouts(Timeouts t) {
    long v = version + 1;
    return new ServiceTable(v, services, t.withVersion(v));
  }

  public Collection<VirtualService> services() {
    return services.values();
  }

  public VirtualService service(ServiceKey key) {
    VirtualService s = services.get(key);
    if (s == null) {
      throw new TableException(TableException.Kind.NOT_FOUND, "no virtual service " + key);
    }
    return s;
  }

  public ServiceTable addService(VirtualService service) {
    if (services.containsKey(service.key())) {
      throw new TableException(TableException.Kind.CONFLICT, "virtual service " + service.key() + " already exists");
    }
    long v = version + 1;
    Map<ServiceKey, VirtualService> next = new LinkedHashMap<>(services);
    next.put(service.key(), service.withServers(service.servers(), v));
    return new ServiceTable(v, next, timeouts);
  }

  public ServiceTable editService(ServiceKey key, VirtualService attributes) {
    VirtualService current = service(key);
    return with(current.withAttributesOf(attributes, version + 1));
  }

  public ServiceTable deleteService(ServiceKey key) {
    service(key);
    Map<ServiceKey, VirtualService> next = new LinkedHashMap<>(services);
    next.remove(key);
    return new ServiceTable(version + 1, next, timeouts);
  }

  /** ipvsadm -C: every service goes; the timeouts stay, as in IPVS. */
  public ServiceTable clear() {
    return new ServiceTable(version + 1, Map.of(), timeouts);
  }

  public ServiceTable addServer(ServiceKey key, RealServer server) {
    VirtualService current = service(key);
    if (current.server(server.endpoint()).isPresent()) {
      throw new TableException(TableException.Kind.CONFLICT,
          "real server " + server.endpoint() + " already exists in virtual service " + key);
    }
    List<RealServer> servers = new ArrayList<>(current.servers());
    servers.add(server);
    return with(current.withServers(servers, version + 1));
  }

  public ServiceTable editServer(ServiceKey key, RealServer server) {
    VirtualService current = service(key);
    requireServer(current, server.endpoint());
    List<RealServer> servers = new ArrayList<>(current.servers());
    servers.replaceAll(s -> s.endpoint().equals(server.endpoint()) ? server : s);
    return with(current.withServers(servers, version + 1));
  }

  public ServiceTable deleteServer(ServiceKey key, Endpoint endpoint) {
    VirtualService current = service(key);
    requireServer(current, endpoint);
    List<RealServer> servers = new ArrayList<>(current.servers());
    servers.removeIf(s -> s.endpoint().equals(endpoint));
    return with(current.withServers(servers, version + 1));
  }

  public RealServer server(ServiceKey key, Endpoint endpoint) {
    return requireServer(service(key), endpoint);
  }

  private static RealServer requireServer(VirtualService service, Endpoint endpoint) {
    return service.server(endpoint).orElseThrow(() -> new TableException(TableException.Kind.NOT_FOUND,
        "no real server " + endpoint + " in virtual service " + service.key()));
  }

  private ServiceTable with(VirtualService changed) {
    Map<ServiceKey, VirtualService> next = new LinkedHashMap<>(services);
    next.put(changed.key(), changed);
    return new ServiceTable(changed.version(), next, timeouts);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    services.values().forEach(s -> list.add(ServiceJson.toJson(s)));
    return new JsonObject().put("version", version).put("services", list).put("timeouts", timeouts.toJson());
  }

  /** Reads a table from {@link #toJson()}'s form. */
  public static ServiceTable fromJson(JsonObject json) {
    List<VirtualService> list = new ArrayList<>();
    for (Object o : json.getJsonArray("services", new JsonArray())) {
      list.add(ServiceJson.fromJson((JsonObject) o));
    }
    return of(json.getLong("version", 0L), list).withTimeouts(Timeouts.fromJson(json.getJsonObject("timeouts")));
  }
}
