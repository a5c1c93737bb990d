package com.example.moderator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModeratorServiceTest {
    private final ModeratorService moderator = new ModeratorService();

    @Test
    void masksBlockedWordsInAnyCase() {
        assertEquals("no **** here, ****!", moderator.clean("no spam here, DARN!"));
    }

    @Test
    void leavesWordsThatOnlyContainABlockedWord() {
        assertEquals("spammer hecklers", moderator.clean("spammer hecklers"));
    }
}
