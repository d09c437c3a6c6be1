//! Screenshots as asked ([`ScreenshotOptions`]): the format, its quality, the full page or a
//! clip, turned into `Page.captureScreenshot`, for the blocking [`Page`](crate::Page) and the
//! async one.

use cdp_runtime::Binary;

use crate::error::Error;
use crate::protocol::page;

/// The format of a screenshot: [`ScreenshotOptions::format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG, lossless. The default.
    #[default]
    Png,
    /// JPEG, lossy: see [`ScreenshotOptions::quality`].
    Jpeg,
    /// WebP, lossy: see [`ScreenshotOptions::quality`].
    Webp,
}

impl ImageFormat {
    fn name(self) -> &'static str {
        match self {
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Webp => "WebP",
        }
    }
}

/// A region of the page, in CSS pixels from the top left corner of the document (not of the
/// viewport), and the scale it is captured at: [`ScreenshotOptions::clip`].
///
/// The image is `width * scale` by `height * scale` pixels (times the device pixel ratio,
/// 1 in headless Chromium unless emulated otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Clip {
    /// From the left edge of the document.
    pub x: f64,
    /// From the top of the document.
    pub y: f64,
    /// The width; more than 0.
    pub width: f64,
    /// The height; more than 0.
    pub height: f64,
    /// The scale of the image; more than 0, 1 by default.
    pub scale: f64,
}

impl Clip {
    /// The region `width` by `height` at `x`, `y`, at scale 1.
    pub fn new(x: f64, y: f64, width: f64, height: f64) -> Self {
        Clip {
            x,
            y,
            width,
            height,
            scale: 1.0,
        }
    }

    /// Sets the scale.
    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }
}

/// How [`Page::screenshot_with`](crate::Page::screenshot_with) captures the page: in which
/// format and quality, and what of it (the viewport, the full page, or a clip).
///
/// The defaults give what [`Page::screenshot`](crate::Page::screenshot) gives: a PNG of the
/// viewport. Options that cannot go together are an [`Error::InvalidOptions`] when the
/// screenshot is taken: a quality for PNG, a quality over 100, the full page and a clip, a
/// clip that is empty or not finite.
///
/// ```
/// use cdp_transport::{ImageFormat, ScreenshotOptions};
///
/// let options = ScreenshotOptions::new()
///     .format(ImageFormat::Jpeg)
///     .quality(80)
///     .full_page(true);
/// assert_eq!(options.quality, Some(80));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct ScreenshotOptions {
    /// The image format; PNG by default.
    pub format: ImageFormat,
    /// The quality of a JPEG or WebP image, 0 to 100; `None` for the browser's default.
    pub quality: Option<u8>,
    /// The whole page, however tall and wide, rather than the viewport.
    pub full_page: bool,
    /// A region of the page rather than the viewport.
    pub clip: Option<Clip>,
}

impl ScreenshotOptions {
    /// The defaults: a PNG of the viewport.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the format.
    pub fn format(mut self, format: ImageFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the quality of a JPEG or WebP image, 0 to 100.
    pub fn quality(mut self, quality: u8) -> Self {
        self.quality = Some(quality);
        self
    }

    /// Captures the whole page (`true`), or the viewport.
    pub fn full_page(mut self, full_page: bool) -> Self {
        self.full_page = full_page;
        self
    }

    /// Captures a region of the page.
    pub fn clip(mut self, clip: Clip) -> Self {
        self.clip = Some(clip);
        self
    }

    /// Fails with [`Error::InvalidOptions`] for options that cannot go together.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let invalid = |reason: String| Err(Error::InvalidOptions { reason });
        match (self.format, self.quality) {
            (ImageFormat::Png, Some(_)) => {
                return invalid(
                    "a PNG screenshot has no quality (it is lossless): set a quality for JPEG \
                     or WebP only"
                        .into(),
                )
            }
            (format, Some(quality)) if quality > 100 => {
                return invalid(format!(
                    "the quality of a {} screenshot is 0 to 100, not {quality}",
                    format.name()
                ))
            }
            _ => {}
        }
        if let Some(clip) = &self.clip {
            if self.full_page {
                return invalid(
                    "a screenshot is of the full page or of a clip, not both: set one".into(),
                );
            }
            let sizes = [clip.width, clip.height, clip.scale];
            if ![clip.x, clip.y].iter().chain(&sizes).all(|n| n.is_finite())
                || sizes.iter().any(|&size| size <= 0.0)
            {
                return invalid(format!(
                    "a clip needs finite numbers, and a width, height and scale over 0; got \
                     x {}, y {}, width {}, height {}, scale {}",
                    clip.x, clip.y, clip.width, clip.height, clip.scale
                ));
            }
        }
        Ok(())
    }

    /// The command that takes the screenshot; `content` is the size of the page's content
    /// (`Page.getLayoutMetrics`), for a full page.
    pub(crate) fn params(
        &self,
        content: Option<&crate::protocol::dom::Rect>,
    ) -> page::CaptureScreenshotParams {
        let format = match self.format {
            ImageFormat::Png => page::CaptureScreenshotFormat::Png,
            ImageFormat::Jpeg => page::CaptureScreenshotFormat::Jpeg,
            ImageFormat::Webp => page::CaptureScreenshotFormat::Webp,
        };
        let mut params = page::CaptureScreenshotParams::new().format(format);
        if let Some(quality) = self.quality {
            params = params.quality(i64::from(quality));
        }
        let clip = match (content, self.clip) {
            // The whole content, from the document's top left corner, whatever the scroll.
            (Some(content), _) => Some(page::Viewport::new(
                0.0,
                0.0,
                content.width.ceil().max(1.0),
                content.height.ceil().max(1.0),
                1.0,
            )),
            (None, Some(clip)) => Some(page::Viewport::new(
                clip.x,
                clip.y,
                clip.width,
                clip.height,
                clip.scale,
            )),
            (None, None) => None,
        };
        if let Some(clip) = clip {
            // Beyond the viewport: a clip below the fold is rendered, not cut.
            params = params.clip(clip).capture_beyond_viewport(true);
        }
        params
    }
}

/// The bytes of the image `Page.captureScreenshot` returned: its `data`, which the bindings
/// decode from base64 (a `Binary`) or keep as the base64 text.
pub(crate) trait ImageData {
    fn into_image(self) -> Result<Vec<u8>, Error>;
}

impl ImageData for Binary {
    fn into_image(self) -> Result<Vec<u8>, Error> {
        Ok(self.0)
    }
}

impl ImageData for String {
    fn into_image(self) -> Result<Vec<u8>, Error> {
        use serde::de::IntoDeserializer;
        use serde::Deserialize;
        let text: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
            self.as_str().into_deserializer();
        Binary::deserialize(text).map(Vec::from).map_err(|err| {
            Error::io(
                "the image `Page.captureScreenshot` returned",
                std::io::Error::new(std::io::ErrorKind::InvalidData, err.to_string()),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(options: ScreenshotOptions) -> String {
        match options.check() {
            Err(Error::InvalidOptions { reason }) => reason,
            other => panic!("expected invalid options, got {other:?}"),
        }
    }

    #[test]
    fn options_that_cannot_go_together_are_errors_that_say_why() {
        let png = reason(ScreenshotOptions::new().quality(50));
        assert!(png.starts_with("a PNG screenshot has no quality"), "{png}");
        let over = reason(
            ScreenshotOptions::new()
                .format(ImageFormat::Webp)
                .quality(101),
        );
        assert_eq!(
            over,
            "the quality of a WebP screenshot is 0 to 100, not 101"
        );
        let both = reason(
            ScreenshotOptions::new()
                .full_page(true)
                .clip(Clip::new(0.0, 0.0, 10.0, 10.0)),
        );
        assert!(both.contains("not both"), "{both}");
        for clip in [
            Clip::new(0.0, 0.0, 0.0, 10.0),
            Clip::new(0.0, 0.0, 10.0, -1.0),
            Clip::new(f64::NAN, 0.0, 10.0, 10.0),
            Clip::new(0.0, 0.0, 10.0, f64::INFINITY),
            Clip::new(0.0, 0.0, 10.0, 10.0).scale(0.0),
        ] {
            let bad = reason(ScreenshotOptions::new().clip(clip));
            assert!(bad.starts_with("a clip needs finite numbers"), "{bad}");
        }
        let err = ScreenshotOptions::new().quality(1).check().unwrap_err();
        assert!(err.to_string().starts_with("invalid options: "), "{err}");
        ScreenshotOptions::new()
            .format(ImageFormat::Jpeg)
            .quality(100)
            .clip(Clip::new(-5.0, 0.0, 1.0, 1.0).scale(2.0))
            .check()
            .unwrap();
    }

    #[test]
    fn the_params_carry_the_format_quality_and_region() {
        let params = ScreenshotOptions::new()
            .format(ImageFormat::Jpeg)
            .quality(30)
            .params(None);
        assert_eq!(params.format, Some(page::CaptureScreenshotFormat::Jpeg));
        assert_eq!(params.quality, Some(30));
        assert_eq!(params.clip, None);
        assert_eq!(params.capture_beyond_viewport, None);

        let content = crate::protocol::dom::Rect::new(0.0, 0.0, 800.5, 3000.0);
        let params = ScreenshotOptions::new()
            .full_page(true)
            .params(Some(&content));
        assert_eq!(
            params.clip,
            Some(page::Viewport::new(0.0, 0.0, 801.0, 3000.0, 1.0))
        );
        assert_eq!(params.capture_beyond_viewport, Some(true));
        assert_eq!(params.format, Some(page::CaptureScreenshotFormat::Png));

        let params = ScreenshotOptions::new()
            .clip(Clip::new(1.0, 2.0, 3.0, 4.0).scale(2.0))
            .params(None);
        assert_eq!(
            params.clip,
            Some(page::Viewport::new(1.0, 2.0, 3.0, 4.0, 2.0))
        );
    }

    #[test]
    fn image_data_is_decoded_from_base64_or_taken_as_it_is() {
        assert_eq!(String::from("iVBORw==").into_image().unwrap(), b"\x89PNG");
        assert_eq!(Binary(b"x".to_vec()).into_image().unwrap(), b"x");
        let err = String::from("not base64!").into_image().unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the image `Page.captureScreenshot` returned: invalid base64"),
            "{err}"
        );
    }
}
