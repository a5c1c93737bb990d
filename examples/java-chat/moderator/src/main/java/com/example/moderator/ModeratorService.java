package com.example.moderator;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat showcase's second service: {@code /moderator/clean} masks blocked words. The chat
 * service calls it for every message, through the Lever client, wherever its instances run.
 */
public class ModeratorService {
    static final List<String> BLOCKED_WORDS = List.of("spam", "darn", "heck");

    private static final Pattern BLOCKED =
            Pattern.compile("\\b(" + String.join("|", BLOCKED_WORDS) + ")\\b", Pattern.CASE_INSENSITIVE);

    /** {@code text} with each blocked word (any case, whole words) replaced by as many {@code *}. */
    public String clean(String text) {
        Matcher matcher = BLOCKED.matcher(text);
        StringBuilder cleaned = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(cleaned, "*".repeat(matcher.group().length()));
        }
        return matcher.appendTail(cleaned).toString();
    }

    public List<String> blockedWords() {
        return BLOCKED_WORDS;
    }
}
