//! The trait of generated newtypes, by which ids convert between two sets of bindings.

/// A generated newtype over a primitive or array: `TargetId(String)`. Converts into any other
/// newtype over the same inner type, so ids of two sets of bindings (a user's and
/// cdp-transport's) convert both ways.
///
/// Generated code implements it, with `From<Inner>` and `Into<Inner>`, for every alias of a
/// primitive, a JSON value or map, or an array.
///
/// ```
/// # use cdp_runtime::Newtype;
/// # macro_rules! newtype {
/// #     ($name:ident) => {
/// #         #[derive(Debug, PartialEq)]
/// #         struct $name(String);
/// #         impl From<String> for $name {
/// #             fn from(value: String) -> Self {
/// #                 Self(value)
/// #             }
/// #         }
/// #         impl From<$name> for String {
/// #             fn from(value: $name) -> Self {
/// #                 value.0
/// #             }
/// #         }
/// #         impl Newtype for $name {
/// #             type Inner = String;
/// #         }
/// #     };
/// # }
/// # newtype!(TargetId);
/// # newtype!(TransportTargetId);
/// // `TargetId` and `TransportTargetId` are generated as `pub struct TargetId(pub String)`.
/// let ours = TargetId("A1".to_owned());
/// let theirs: TransportTargetId = ours.convert();
/// assert_eq!(theirs, TransportTargetId("A1".to_owned()));
/// assert_eq!(String::from(theirs.convert::<TargetId>()), "A1");
/// ```
pub trait Newtype: Sized + From<Self::Inner> + Into<Self::Inner> {
    /// The type it wraps, as in `pub struct TargetId(pub String)`.
    type Inner;

    /// This value as another newtype over the same inner type.
    fn convert<T: Newtype<Inner = Self::Inner>>(self) -> T {
        T::from(self.into())
    }
}
