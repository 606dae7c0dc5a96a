package org.harvestsed.engine.io;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.harvestsed.engine.map.GameMap;
import org.harvestsed.engine.state.Buf;
import org.harvestsed.engine.state.EnvState;
import org.harvestsed.engine.state.Layout;

/** Pictures of one env: ASCII, a PNG frame, an animated GIF. */
public final class Render {
  private Render() {}

  private static final char[] ARROWS = {'^', '>', 'v', '<'};
  public static final int CELL = 12;

  /** ASCII rows: W wall, A apple, space floor, players as ^ > v < by orientation. */
  public static String ascii(EnvState s, int e) {
    Layout l = s.layout;
    char[][] rows = new char[l.rows][l.cols];
    for (int r = 0; r < l.rows; r++) {
      for (int c = 0; c < l.cols; c++) {
        byte v = s.bytes(Buf.GRID).get(e * l.cells + l.index(r, c));
        rows[r][c] = v == GameMap.WALL ? 'W' : v == GameMap.APPLE ? 'A' : ' ';
      }
    }
    for (int i = 0; i < l.players; i++) {
      int p = s.ints(Buf.POS).get(e * l.players + i);
      if (p >= 0) rows[l.rowOf(p)][l.colOf(p)] = ARROWS[s.ints(Buf.DIR).get(e * l.players + i)];
    }
    StringBuilder sb = new StringBuilder();
    for (char[] r : rows) sb.append(r).append('\n');
    return sb.toString();
  }

  /** A frame: walls grey, apples green, floor black, player i a coloured square with a white notch on its facing side. */
  public static BufferedImage frame(EnvState s, int e) {
    Layout l = s.layout;
    BufferedImage img = new BufferedImage(l.cols * CELL, l.rows * CELL, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    for (int r = 0; r < l.rows; r++) {
      for (int c = 0; c < l.cols; c++) {
        byte v = s.bytes(Buf.GRID).get(e * l.cells + l.index(r, c));
        g.setColor(v == GameMap.WALL ? new Color(110, 110, 110) : v == GameMap.APPLE ? new Color(40, 190, 60) : Color.BLACK);
        g.fillRect(c * CELL, r * CELL, CELL, CELL);
      }
    }
    for (int i = 0; i < l.players; i++) {
      int p = s.ints(Buf.POS).get(e * l.players + i);
      if (p < 0) continue;
      int x = l.colOf(p) * CELL;
      int y = l.rowOf(p) * CELL;
      g.setColor(Color.getHSBColor((i * 0.61803f) % 1f, 0.75f, 1f));
      g.fillRect(x + 1, y + 1, CELL - 2, CELL - 2);
      g.setColor(Color.WHITE);
      int q = CELL / 3;
      switch (s.ints(Buf.DIR).get(e * l.players + i)) {
        case 0 -> g.fillRect(x + q, y + 1, q, q);
        case 1 -> g.fillRect(x + CELL - 1 - q, y + q, q, q);
        case 2 -> g.fillRect(x + q, y + CELL - 1 - q, q, q);
        default -> g.fillRect(x + 1, y + q, q, q);
      }
    }
    g.dispose();
    return img;
  }

  /** Writes a PNG, atomically (temp file, then move). */
  public static void writePng(BufferedImage img, Path out) throws IOException {
    Path tmp = tempBeside(out);
    try {
      if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
      AtomicFiles.commit(tmp, out);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes an animated GIF that loops forever, {@code delayCs} hundredths of a second per frame, atomically. */
  public static void writeGif(List<BufferedImage> frames, int delayCs, Path out) throws IOException {
    Path tmp = tempBeside(out);
    try {
      ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
      try (ImageOutputStream ios = ImageIO.createImageOutputStream(tmp.toFile())) {
        w.setOutput(ios);
        w.prepareWriteSequence(null);
        for (BufferedImage f : frames) {
          ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(f);
          IIOMetadata meta = w.getDefaultImageMetadata(type, null);
          String fmt = meta.getNativeMetadataFormatName();
          IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
          IIOMetadataNode gce = child(root, "GraphicControlExtension");
          gce.setAttribute("disposalMethod", "none");
          gce.setAttribute("userInputFlag", "FALSE");
          gce.setAttribute("transparentColorFlag", "FALSE");
          gce.setAttribute("delayTime", Integer.toString(delayCs));
          gce.setAttribute("transparentColorIndex", "0");
          IIOMetadataNode apps = child(root, "ApplicationExtensions");
          IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
          app.setAttribute("applicationID", "NETSCAPE");
          app.setAttribute("authenticationCode", "2.0");
          app.setUserObject(new byte[] {1, 0, 0}); // loop forever
          apps.appendChild(app);
          meta.setFromTree(fmt, root);
          w.writeToSequence(new IIOImage(f, null, meta), null);
        }
        w.endWriteSequence();
      } finally {
        w.dispose();
      }
      AtomicFiles.commit(tmp, out);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Path tempBeside(Path out) throws IOException {
    return AtomicFiles.tempFor(out);
  }

  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
    }
    IIOMetadataNode node = new IIOMetadataNode(name);
    root.appendChild(node);
    return node;
  }
}
