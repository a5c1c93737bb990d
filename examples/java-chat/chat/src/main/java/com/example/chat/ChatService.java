package com.example.chat;

import io.leveros.api.Lever;
import io.leveros.api.LeverError;
import io.leveros.api.LeverStream;
import io.leveros.client.LeverClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chat rooms, each a Lever <em>resource</em>: every call for {@code /chat/<room>/<method>} reaches
 * the one instance holding that room, so its history and members live in plain memory here.
 *
 * <ul>
 *   <li>{@code post(user, text)}: adds a message (its text cleaned by the moderator service) and
 *       answers it as the room sees it;
 *   <li>{@code history()}, {@code members()}: the last messages, who is joined;
 *   <li>{@code joinChan(user)}: a full-duplex stream: the history, then every message posted to the
 *       room; each message the client sends on it is posted as {@code user}.
 * </ul>
 */
public class ChatService {
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final LeverClient lever = LeverClient.create();

    /** Lever calls this before the first call for a room reaches this instance. */
    public void newResource() {
        rooms.put(Lever.resource(), new Room());
    }

    /** Lever calls this once a room had no call for {@code resourceIdleTimeout} (lever.json). */
    public void closeResource() {
        Room room = rooms.remove(Lever.resource());
        if (room != null) {
            room.close();
        }
    }

    public ChatMessage post(String user, String text) {
        return room().post(user, moderated(text));
    }

    public List<ChatMessage> history() {
        return room().history();
    }

    public List<String> members() {
        return room().members();
    }

    public void joinChan(LeverStream stream, String user) throws InterruptedException {
        Room room = room();
        Room.Member member = room.join(user);
        Thread.ofVirtual().name("chat-reader-" + user).start(() -> {
            try {
                for (LeverStream.Message message : stream) {
                    room.post(user, moderated(message.as(String.class)));
                }
            } catch (RuntimeException cancelledOrBadMessage) {
                // The member leaves either way; a bad message is the client's mistake.
            } finally {
                member.leave(null);
            }
        });
        for (ChatMessage message = member.next(); message != null; message = member.next()) {
            stream.send(message);
        }
    }

    /** The text as the moderator service cleans it: one Lever call, to wherever it runs. */
    private String moderated(String text) {
        return lever.service("moderator").invoke(String.class, "clean", text);
    }

    private Room room() {
        String name = Lever.resource();
        if (name.isEmpty()) {
            throw new LeverError("name a room: call /chat/<room>/<method>");
        }
        Room room = rooms.get(name);
        if (room == null) {
            throw new IllegalStateException("room " + name + " is not open on this instance");
        }
        return room;
    }
}
