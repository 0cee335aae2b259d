package dev.eventstream.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import javax.imageio.ImageIO;

/**
 * Draws the PNG chart of a run with Java2D: delivery latency p99 and server CPU per
 * delivered event against the number of streams, one line per server, both on log scales,
 * for the 64-byte broadcast at 50 events/s.
 */
final class Chart {

	private static final Color[] COLORS = { new Color(0x1b9e77), new Color(0x66a61e), new Color(0xd95f02),
			new Color(0x7570b3), new Color(0x444444), new Color(0xe7298a) };

	private static final int PANEL_WIDTH = 520;

	private static final int HEIGHT = 420;

	private Chart() {
	}

	static void write(List<LoadResult> results, Path file) throws IOException {
		List<LoadResult> broadcast = results.stream().filter((r) -> r.scenario().equals("broadcast-64B")).toList();
		BufferedImage image = new BufferedImage(PANEL_WIDTH * 2, HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, image.getWidth(), image.getHeight());
		panel(g, 0, "Delivery latency p99 (ms), 64 B at 50/s", broadcast, LoadResult::p99Millis);
		panel(g, PANEL_WIDTH, "Server CPU per delivered event (µs)", broadcast, LoadResult::cpuMicrosPerEvent);
		g.dispose();
		ImageIO.write(image, "png", file.toFile());
	}

	private static void panel(Graphics2D g, int x0, String title, List<LoadResult> results,
			ToDoubleFunction<LoadResult> metric) {
		int left = x0 + 60;
		int right = x0 + PANEL_WIDTH - 20;
		int top = 40;
		int bottom = HEIGHT - 110;
		g.setColor(Color.BLACK);
		g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
		g.drawString(title, x0 + 20, 22);
		List<Integer> sizes = new ArrayList<>(
				new TreeSet<>(results.stream().map(LoadResult::connections).map(Chart::bucket).toList()));
		Map<String, List<LoadResult>> byServer = new LinkedHashMap<>();
		results.forEach((r) -> byServer.computeIfAbsent(r.server(), (k) -> new ArrayList<>()).add(r));
		double min = Double.MAX_VALUE;
		double max = 0;
		for (LoadResult r : results) {
			double v = metric.applyAsDouble(r);
			if (v > 0) {
				min = Math.min(min, v);
				max = Math.max(max, v);
			}
		}
		if (max == 0 || sizes.isEmpty()) {
			g.drawString("no data", left + 20, top + 40);
			return;
		}
		double logMin = Math.floor(Math.log10(min));
		double logMax = Math.ceil(Math.log10(max));
		if (logMax == logMin) {
			logMax++;
		}
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
		for (double e = logMin; e <= logMax; e++) {
			int y = y(Math.pow(10, e), logMin, logMax, top, bottom);
			g.setColor(new Color(0xdddddd));
			g.drawLine(left, y, right, y);
			g.setColor(Color.DARK_GRAY);
			g.drawString(format(Math.pow(10, e)), x0 + 8, y + 4);
		}
		g.setColor(Color.BLACK);
		g.drawLine(left, bottom, right, bottom);
		g.drawLine(left, top, left, bottom);
		for (int i = 0; i < sizes.size(); i++) {
			int x = x(i, sizes.size(), left, right);
			g.drawString(String.format(Locale.ROOT, "%,d", sizes.get(i)), x - 18, bottom + 16);
		}
		g.drawString("streams", (left + right) / 2 - 20, bottom + 32);
		int legend = 0;
		for (Map.Entry<String, List<LoadResult>> entry : byServer.entrySet()) {
			Color color = COLORS[legend % COLORS.length];
			g.setColor(color);
			g.setStroke(new BasicStroke(2f));
			int px = -1;
			int py = -1;
			for (LoadResult r : entry.getValue()) {
				double v = metric.applyAsDouble(r);
				if (v <= 0) {
					continue;
				}
				int x = x(sizes.indexOf(bucket(r.connections())), sizes.size(), left, right);
				int y = y(v, logMin, logMax, top, bottom);
				g.fillOval(x - 4, y - 4, 8, 8);
				g.drawString(format(v), x + 6, y - 6);
				if (px >= 0) {
					g.drawLine(px, py, x, y);
				}
				px = x;
				py = y;
			}
			int ly = bottom + 50 + (legend / 3) * 18;
			int lx = left + (legend % 3) * 150;
			g.fillRect(lx, ly - 9, 14, 10);
			g.setColor(Color.BLACK);
			g.drawString(entry.getKey(), lx + 20, ly);
			legend++;
		}
	}

	/**
	 * Rounds a count of streams that took part to the size asked for, so servers line up.
	 */
	private static int bucket(int connections) {
		if (connections < 100) {
			return connections;
		}
		int step = (connections >= 5000) ? 1000 : 100;
		return (int) Math.round((double) connections / step) * step;
	}

	private static int x(int index, int count, int left, int right) {
		return (count == 1) ? (left + right) / 2 : left + 40 + index * (right - left - 80) / (count - 1);
	}

	private static int y(double value, double logMin, double logMax, int top, int bottom) {
		double fraction = (Math.log10(value) - logMin) / (logMax - logMin);
		return (int) Math.round(bottom - fraction * (bottom - top));
	}

	private static String format(double value) {
		return (value >= 10) ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2g", value);
	}

}
