package io.leveros.controlplane.routing;

import io.leveros.controlplane.store.EnvironmentRecord;
import io.leveros.controlplane.store.ServiceRecord;
import io.leveros.controlplane.store.StoreSnapshot;
import io.leveros.controlplane.store.TrafficShare;
import io.leveros.controlplane.store.VersionEntry;
import io.leveros.controlplane.store.VersionRecord;
import io.leveros.core.environment.EnvironmentNames;
import io.leveros.proto.control.CommandEntry;
import io.leveros.proto.control.Environment;
import io.leveros.proto.control.JavaEntry;
import io.leveros.proto.control.JsEntry;
import io.leveros.proto.control.RoutingSnapshot;
import io.leveros.proto.control.Service;
import io.leveros.proto.control.ServiceVersion;
import java.util.Optional;

/** Compiles a store snapshot into the routing snapshot data planes serve from. */
public final class RoutingSnapshots {
    private RoutingSnapshots() {}

    /**
     * Every environment with its deployed services, each one's live version, the one starting to
     * replace it and its traffic split. The routes publisher
     * adds the nodes, the targets and the cluster revision.
     */
    public static RoutingSnapshot of(StoreSnapshot store) {
        RoutingSnapshot.Builder snapshot = RoutingSnapshot.newBuilder()
                .setRevision(store.revision())
                .setDefaultEnvironment(EnvironmentNames.DEFAULT);
        for (EnvironmentRecord environment : store.environments()) {
            Environment.Builder env = Environment.newBuilder().setName(environment.name());
            for (ServiceRecord service : store.services(environment.name())) {
                Optional<VersionRecord> live = store.liveVersion(service);
                if (live.isEmpty()) {
                    continue;
                }
                Service.Builder routed =
                        Service.newBuilder().setName(service.name()).setLive(version(live.get()));
                if (service.replacing()) {
                    store.version(service.environment(), service.name(), service.startingVersion())
                            .ifPresent(starting -> routed.setStarting(version(starting)));
                }
                for (TrafficShare share : service.traffic()) {
                    store.version(service.environment(), service.name(), share.version())
                            .ifPresent(split -> routed.addSplit(io.leveros.proto.control.TrafficShare.newBuilder()
                                    .setVersion(version(split))
                                    .setPercent(share.percent())));
                }
                env.addServices(routed);
            }
            snapshot.addEnvironments(env);
        }
        return snapshot.build();
    }

    static ServiceVersion version(VersionRecord version) {
        ServiceVersion.Builder builder = ServiceVersion.newBuilder()
                .setVersion(version.version())
                .setPrivate(version.isPrivate())
                .setMaxInstanceLoad(version.maxInstanceLoad())
                .setMinInstances(version.minInstances())
                .setMaxInstances(version.maxInstances())
                .setRamMb(version.ramMb())
                .setIdleTimeoutMs(version.idleTimeoutMs() == null ? 0 : version.idleTimeoutMs())
                .setResourceIdleTimeoutMs(version.resourceIdleTimeoutMs() == null ? 0 : version.resourceIdleTimeoutMs())
                .setMaxResourcesPerInstance(version.maxResourcesPerInstance())
                .setUpgradeStreamGraceMs(version.upgradeStreamGraceMs() == null ? 0 : version.upgradeStreamGraceMs())
                .setConfigJson(
                        version.config() == null ? "{}" : version.config().toString());
        if (version.codeSha256() != null) {
            builder.setCodeSha256(version.codeSha256()).setCodeBytes(version.codeBytes());
        }
        VersionEntry entry = version.entry();
        if (entry.javaEntry() != null) {
            builder.setJava(JavaEntry.newBuilder().setClassName(entry.javaEntry()));
        } else if (entry.jsEntry() != null) {
            builder.setJs(JsEntry.newBuilder().setModule(entry.jsEntry()));
        } else if (entry.entry() != null) {
            builder.setCommand(CommandEntry.newBuilder().addAllArgv(entry.entry()));
        }
        return builder.build();
    }
}
