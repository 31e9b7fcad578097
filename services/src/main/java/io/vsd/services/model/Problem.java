package io.vsd.services.model;

/**
 * One thing wrong with an input.
 *
 * @param pointer where, as a JSON pointer into the input ("/servers/0/weight"); "" for the whole input
 * @param detail  what is wrong, in words an operator can act on
 */
public record Problem(String pointer, String detail) {}
