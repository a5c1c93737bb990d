package io.leveros.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveros.cli.api.ControlPlaneClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lever nodes [credential|revoke]}: the cluster's nodes, and the credentials they join with. */
@Command(
        name = "nodes",
        mixinStandardHelpOptions = true,
        description = {
            "List the nodes whose data planes report now.",
            "A new node joins with a credential: `lever nodes credential <node-id>` prints one; write it to a file "
                    + "only the data plane's user can read and start the data plane with --node-credential-file."
        },
        subcommands = {NodesCommand.Credential.class, NodesCommand.Revoke.class})
public final class NodesCommand implements Runnable {
    @ParentCommand
    LeverCommand lever;

    @Override
    public void run() {
        Table table = new Table("NODE", "FORWARDING ADDRESS", "LIVE VERSIONS SERVED");
        for (JsonNode node : lever.global.controlPlane().get("/nodes")) {
            table.row(
                    node.path("nodeId").asText(),
                    node.path("forwardingAddress").asText(),
                    node.path("servingVersions").asText());
        }
        table.print(System.out);
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
