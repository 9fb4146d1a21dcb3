//! A chart's pixels as a PNG file: 8-bit RGB, every row filtered with PNG's "Up" filter and
//! deflated with fdeflate's fast compressor, written straight into the caller's buffer.
//!
//! The bytes are the ones the `png` crate (through `image`'s `PngEncoder` with
//! `CompressionType::Fast` and `FilterType::Up`) wrote before: the signature, `IHDR`, one
//! `IDAT` and `IEND`, and the same stored-blocks fallback when fast deflate would be larger
//! than the raw rows. Encoding here skips that path's copies: the compressed stream was grown
//! by doubling in a vector of its own (fresh pages at each step) and then copied into the
//! file's buffer, about a fifth of a small log's chart time (docs/PERFORMANCE.md).

use std::io::{self, Write};

/// PNG's file signature.
const SIGNATURE: [u8; 8] = [137, 80, 78, 71, 13, 10, 26, 10];
/// The largest chunk PNG allows (2³¹ − 1 bytes).
const MAX_CHUNK: usize = (u32::MAX >> 1) as usize;

/// Append the PNG of `rgb` (`w` × `h` pixels, 3 bytes each, row after row) to `out`.
pub fn encode(rgb: &[u8], w: u32, h: u32, out: &mut Vec<u8>) -> io::Result<()> {
    let stride = w as usize * 3;
    if w == 0 || h == 0 || rgb.len() != stride * h as usize {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} bytes of pixels for a {w} × {h} RGB image (expected {})",
                rgb.len(),
                stride * h as usize
            ),
        ));
    }
    out.extend_from_slice(&SIGNATURE);
    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&w.to_be_bytes());
    ihdr[4..8].copy_from_slice(&h.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), compression 0, filter method 0, no interlace.
    ihdr[8..].copy_from_slice(&[8, 2, 0, 0, 0]);
    chunk(out, b"IHDR", |o| {
        o.extend_from_slice(&ihdr);
        Ok(())
    })?;
    chunk(out, b"IDAT", |o| {
        let start = o.len();
        fast(rgb, stride, o)?;
        let raw = (stride + 1) * h as usize;
        if o.len() - start > fdeflate::StoredOnlyCompressor::<()>::compressed_size(raw) {
            // Stored blocks of the unfiltered rows (filter byte 0) when fast deflate would
            // take more room, as the `png` crate does.
            o.truncate(start);
            stored(rgb, stride, o)?;
        }
        Ok(())
    })?;
    chunk(out, b"IEND", |_| Ok(()))
}

/// The rows filtered with "Up" (each byte minus the byte above it; the first row as is) and
/// deflated fast, appended to `out`.
fn fast(rgb: &[u8], stride: usize, out: &mut Vec<u8>) -> io::Result<()> {
    let mut compressor = fdeflate::Compressor::new(out)?;
    // The filter type byte (2: Up), then the filtered row.
    let mut row = vec![0u8; stride + 1];
    row[0] = 2;
    let mut prev: Option<&[u8]> = None;
    for line in rgb.chunks_exact(stride) {
        match prev {
            None => row[1..].copy_from_slice(line),
            Some(above) => {
                for ((d, &x), &a) in row[1..].iter_mut().zip(line).zip(above) {
                    *d = x.wrapping_sub(a);
                }
            }
        }
        compressor.write_data(&row)?;
        prev = Some(line);
    }
    compressor.finish()?;
    Ok(())
}

/// The rows unfiltered in stored (uncompressed) deflate blocks, appended to `out`.
fn stored(rgb: &[u8], stride: usize, out: &mut Vec<u8>) -> io::Result<()> {
    let mut compressor = fdeflate::StoredOnlyCompressor::new(io::Cursor::new(Vec::new()))?;
    for line in rgb.chunks_exact(stride) {
        compressor.write_data(&[0])?;
        compressor.write_data(line)?;
    }
    out.write_all(&compressor.finish()?.into_inner())
}

/// A chunk: its length, its type, the data `fill` appends, and the CRC of type and data.
fn chunk(
    out: &mut Vec<u8>,
    kind: &[u8; 4],
    fill: impl FnOnce(&mut Vec<u8>) -> io::Result<()>,
) -> io::Result<()> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(kind);
    fill(out)?;
    let len = out.len() - at - 8;
    if len > MAX_CHUNK {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a PNG chunk of {len} bytes is larger than PNG allows"),
        ));
    }
    out[at..at + 4].copy_from_slice(&(len as u32).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(&out[at + 4..]);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    use image::{ColorType, ImageEncoder};

    /// What the `image` crate's encoder writes with the same settings.
    fn reference(rgb: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Up)
            .write_image(rgb, w, h, ColorType::Rgb8)
            .unwrap();
        png
    }

    fn mine(rgb: &[u8], w: u32, h: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode(rgb, w, h, &mut out).unwrap();
        out
    }

    #[test]
    fn same_bytes_as_the_png_crate_on_a_chart_like_image() {
        // White, a grey gridline every 10 rows, a blue bar: rows that repeat the row above.
        let (w, h) = (64u32, 40u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        for y in 0..h {
            for x in 0..w {
                let i = ((y * w + x) * 3) as usize;
                if y % 10 == 0 {
                    rgb[i..i + 3].copy_from_slice(&[200, 200, 200]);
                }
                if (20..30).contains(&x) && y > 15 {
                    rgb[i..i + 3].copy_from_slice(&[31, 119, 180]);
                }
            }
        }
        let png = mine(&rgb, w, h);
        assert_eq!(png, reference(&rgb, w, h));
        assert_eq!(&png[..8], &SIGNATURE);
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }

    #[test]
    fn same_bytes_when_fast_deflate_would_grow_the_rows() {
        // Noise does not compress: both fall back to stored blocks.
        let (w, h) = (50u32, 30u32);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let rgb: Vec<u8> = (0..w * h * 3)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let png = mine(&rgb, w, h);
        assert_eq!(png, reference(&rgb, w, h));
        // Stored: at least the raw rows (3 bytes a pixel and a filter byte a row).
        assert!(png.len() > (w * h * 3 + h) as usize);
    }

    #[test]
    fn a_pixel_buffer_of_the_wrong_size_is_an_error() {
        let err = encode(&[0u8; 10], 2, 2, &mut Vec::new()).unwrap_err();
        assert!(err
            .to_string()
            .contains("10 bytes of pixels for a 2 × 2 RGB image (expected 12)"));
        assert!(encode(&[], 0, 5, &mut Vec::new()).is_err());
    }
}
