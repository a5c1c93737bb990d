package com.example.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RoomTest {
    private final Room room = new Room();

    @Test
    void aMemberGetsTheHistoryThenWhatIsPostedUntilItLeaves() throws InterruptedException {
        room.post("ann", "first");
        Room.Member bob = room.join("bob");
        room.post("ann", "second");
        assertEquals("first", bob.next().text());
        assertEquals("second", bob.next().text());
        assertEquals(List.of("bob"), room.members());
        bob.leave(null);
        assertNull(bob.next());
        assertEquals(List.of(), room.members());
    }

    @Test
    void theHistoryKeepsTheLastHundredMessages() {
        for (int i = 1; i <= Room.HISTORY + 5; i++) {
            room.post("ann", "message " + i);
        }
        List<ChatMessage> history = room.history();
        assertEquals(Room.HISTORY, history.size());
        assertEquals(6, history.get(0).seq());
    }

    @Test
    void aMemberThatFallsTooFarBehindIsDroppedWithTheReason() {
        Room.Member slow = room.join("slow");
        for (int i = 0; i <= Room.MEMBER_BACKLOG; i++) {
            room.post("ann", "message " + i);
        }
        IllegalStateException dropped = assertThrows(IllegalStateException.class, slow::next);
        assertEquals("you had more than 256 unread messages; join again", dropped.getMessage());
        assertEquals(List.of(), room.members());
    }
}
