package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.leveros.cli.api.ControlPlaneClient;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever nodes [credential|revoke]}: the cluster's nodes, and the credentials they join with. */
@Command(
        name = "nodes",
        mixinStandardHelpOptions = true,
        description = {
            "List the nodes whose data planes report: state (ready, or unreachable after missed reports; a node"
                    + " silent for lever.node-expiry is dead and dropped, and its instances are placed on the others),"
                    + " memory (total, free now, reserved by the ram of its instances and its idle warm runtimes, of"
                    + " which the warm runtimes), instances and versions served.",
            "A new node joins with a join token: `lever nodes join-token` prints one; start the node with"
                    + " `lever up --join HOST:8091 --join-token-file <file> --node-id <id>` (or the data plane's"
                    + " --join-token-file). `lever nodes credential <node-id>` issues a credential directly."
        },
        subcommands = {
            NodesCommand.JoinToken.class,
            NodesCommand.JoinTokens.class,
            NodesCommand.RevokeJoinToken.class,
            NodesCommand.Credential.class,
            NodesCommand.Revoke.class
        })
public final class NodesCommand implements Runnable {
    @ParentCommand
    LeverCommand lever;

    @Override
    public void run() {
        Table table = new Table(
                "NODE",
                "STATE",
                "FORWARDING ADDRESS",
                "MEMORY",
                "FREE",
                "RESERVED",
                "WARM RUNTIMES",
                "INSTANCES",
                "VERSIONS SERVED");
        for (JsonNode node : lever.global.controlPlane().get("/nodes")) {
            table.row(
                    node.path("nodeId").asText(),
                    node.path("state").asText(),
                    node.path("forwardingAddress").asText(),
                    size(node.path("memoryTotalBytes").asLong()),
                    size(node.path("memoryAvailableBytes").asLong()),
                    size(node.path("memoryReservedBytes").asLong()),
                    size(node.path("memoryWarmRuntimesBytes").asLong()),
                    node.path("instances").asText(),
                    node.path("servingVersions").asText());
        }
        table.print(System.out);
    }

    /** {@code 1.5 GB}, {@code 512 MB}; {@code -} for 0 (not reported). */
    static String size(long bytes) {
        if (bytes <= 0) {
            return "-";
        }
        return bytes >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
                : bytes / (1L << 20) + " MB";
    }

    @Command(
            name = "join-token",
            mixinStandardHelpOptions = true,
            description = "Make a cluster join token (needs an admin token); it is printed once. A new node trades"
                    + " it for its own credential when it first starts (--join-token-file); it joins any number of"
                    + " nodes until it expires or is revoked. The admin token never goes to a node.")
    static final class JoinToken implements Runnable {
        @ParentCommand
        NodesCommand nodes;

        @Option(
                names = "--expires",
                paramLabel = "D",
                defaultValue = "24h",
                description = "How long it may be used: minutes, hours or days, e.g. 30m, 24h, 7d"
                        + " (default: ${DEFAULT-VALUE}).")
        String expires;

        @Override
        public void run() {
            JsonNode made = nodes.lever
                    .global
                    .controlPlane()
                    .postJson(
                            "/nodes/join-tokens",
                            JsonNodeFactory.instance
                                    .objectNode()
                                    .put("expires", expires)
                                    .toString());
            System.out.println(made.path("token").asText());
            System.err.println("This is join token "
                    + made.path("info").path("id").asText() + ", valid until "
                    + made.path("info").path("expiresAt").asText() + "; it is not shown again. Write it to a file"
                    + " only the node's user can read, then start the node with --join-token-file <file>.");
        }
    }

    @Command(
            name = "join-tokens",
            mixinStandardHelpOptions = true,
            description = "List the cluster join tokens that have not expired (never their secrets).")
    static final class JoinTokens implements Runnable {
        @ParentCommand
        NodesCommand nodes;

        @Override
        public void run() {
            Table table = new Table("ID", "CREATED", "BY", "EXPIRES");
            for (JsonNode token : nodes.lever.global.controlPlane().get("/nodes/join-tokens")) {
                table.row(
                        token.path("id").asText(),
                        token.path("createdAt").asText(),
                        token.path("createdBy").asText(),
                        token.path("expiresAt").asText());
            }
            table.print(System.out);
        }
    }

    @Command(
            name = "revoke-join-token",
            mixinStandardHelpOptions = true,
            description = "Revoke a cluster join token (needs an admin token). Nodes that joined with it keep their"
                    + " credentials (revoke those with `lever nodes revoke <node-id>`).")
    static final class RevokeJoinToken implements Runnable {
        @ParentCommand
        NodesCommand nodes;

        @Parameters(index = "0", paramLabel = "ID", description = "The join token's id (j-...), from join-tokens.")
        String id;

        @Override
        public void run() {
            nodes.lever.global.controlPlane().delete("/nodes/join-tokens/" + ControlPlaneClient.segment(id));
            System.out.println("Revoked join token " + id + ".");
        }
    }

    @Command(
            name = "credential",
            mixinStandardHelpOptions = true,
            description = "Issue a credential for a node to join the cluster with (needs an admin token). "
                    + "It is printed once.")
    static final class Credential implements Runnable {
        @ParentCommand
        NodesCommand nodes;

        @Parameters(
                index = "0",
                paramLabel = "NODE-ID",
                description = "The data plane's --node-id: letters, digits, '_' or '-'.")
        String nodeId;

        @Override
        public void run() {
            JsonNode issued = nodes.lever
                    .global
                    .controlPlane()
                    .postJson("/nodes/" + ControlPlaneClient.segment(nodeId) + "/credential", "{}");
            System.out.println(issued.path("credential").asText());
            System.err.println(
                    "This is the credential of node '" + nodeId + "'; it is not shown again. Write it to a file "
                            + "only the data plane's user can read, then start the data plane with --node-id " + nodeId
                            + " --node-credential-file <file>.");
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Refuse every credential issued to a node until now and cut its data plane off "
                    + "(needs an admin token).")
    static final class Revoke implements Runnable {
        @ParentCommand
        NodesCommand nodes;

        @Parameters(index = "0", paramLabel = "NODE-ID", description = "The node to cut off.")
        String nodeId;

        @Override
        public void run() {
            nodes.lever.global.controlPlane().delete("/nodes/" + ControlPlaneClient.segment(nodeId) + "/credential");
            System.out.println("Revoked the credentials of node '" + nodeId + "'. Issue a new one with: lever nodes "
                    + "credential " + nodeId);
        }
    }
}
