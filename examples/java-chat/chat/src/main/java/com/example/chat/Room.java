package com.example.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A chat room in this instance's memory: the last {@link #HISTORY} messages and the members who
 * joined. Lever keeps every call for one room on this instance, so no other copy exists.
 */
final class Room {
    static final int HISTORY = 100;

    /**
     * Unread messages a member may have (the history it joined with included) before it is dropped:
     * a slow reader never slows the room down.
     */
    static final int MEMBER_BACKLOG = 256;

    private final ArrayDeque<ChatMessage> history = new ArrayDeque<>();
    private final Set<Member> members = new LinkedHashSet<>();
    private long lastSeq;

    /** Adds a message and hands it to every member. */
    synchronized ChatMessage post(String user, String text) {
        ChatMessage message = new ChatMessage(++lastSeq, user, text, System.currentTimeMillis());
        history.addLast(message);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        for (Member member : List.copyOf(members)) {
            member.deliver(message);
        }
        return message;
    }

    synchronized List<ChatMessage> history() {
        return List.copyOf(history);
    }

    synchronized List<String> members() {
        List<String> names = new ArrayList<>();
        members.forEach(member -> names.add(member.user));
        return names;
    }

    /** A new member, who first gets the history, then each message posted until it leaves. */
    synchronized Member join(String user) {
        Member member = new Member(user);
        history.forEach(member::deliver);
        members.add(member);
        return member;
    }

    /** Ends every member's stream: the room is closing. */
    synchronized void close() {
        List.copyOf(members).forEach(member -> member.leave(null));
    }

    /** One joined stream's queue of messages, taken by the thread that sends them. */
    final class Member {
        private static final Object LEFT = new Object();

        final String user;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(MEMBER_BACKLOG + 1);
        private volatile String dropped;

        Member(String user) {
            this.user = user;
        }

        /** Called with the room locked; the room's one free slot beyond the backlog is for {@code LEFT}. */
        private void deliver(ChatMessage message) {
            if (queue.size() < MEMBER_BACKLOG) {
                queue.add(message);
            } else {
                leave("you had more than " + MEMBER_BACKLOG + " unread messages; join again");
            }
        }

        /** Leaves the room; {@code why} (or null when it left normally) ends its stream. */
        void leave(String why) {
            synchronized (Room.this) {
                if (members.remove(this)) {
                    dropped = why;
                    queue.clear();
                    queue.add(LEFT);
                }
            }
        }

        /**
         * The next message, waiting for it; null once the member has left.
         *
         * @throws IllegalStateException when the member was dropped (the reason)
         */
        ChatMessage next() throws InterruptedException {
            Object next = queue.take();
            if (next == LEFT) {
                if (dropped != null) {
                    throw new IllegalStateException(dropped);
                }
                return null;
            }
            return (ChatMessage) next;
        }
    }
}
