package dev.eventstream.benchmarks.load;

/**
 * One server releasing streams whose clients all closed their sockets (a FIN each) at
 * once, found by the next two broadcasts: the server's own count of open streams, read
 * with {@code GET /bench/connections}.
 *
 * @param server the server's label
 * @param scenario {@code back-to-back} (the second broadcast published as soon as the
 * first was answered) or {@code 1 s apart}
 * @param streams streams opened and then closed
 * @param countedBefore the server's count once every stream had received an event, before
 * the clients closed
 * @param countedAtSecond the server's count when the second broadcast was published; -1
 * back to back, where it is not read
 * @param countedAfter1s the server's count one second after the second broadcast was
 * answered
 * @param releasedMillis from the second broadcast's answer until the count was 0; -1 when
 * it was not within the wait
 * @param left the count when the wait ended
 * @param waitMillis how long the count was watched at most
 * @param cpuSeconds server CPU time (user and system) from the first broadcast to the end
 * of the wait
 * @param note what did not go as asked, if anything
 */
record DeadClientsResult(String server, String scenario, int streams, int countedBefore, int countedAtSecond,
		int countedAfter1s, double releasedMillis, int left, long waitMillis, double cpuSeconds, String note) {
}
