package com.example.chat;

/** One message of a room: its number in the room, who wrote it, the moderated text, when (epoch ms). */
public record ChatMessage(long seq, String user, String text, long time) {}
