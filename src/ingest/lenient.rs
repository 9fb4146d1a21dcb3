//! Lenient field readers for the typed serde shapes of the JSON exports. Real exports hold
//! `null` where a list is expected, numbers where text is expected, and keys whose presence
//! matters even when their value is `null`; these readers say how each such field is read,
//! so a shape never fails on what the export's own API accepts.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// A field that may be `null`: read as its type's default (an empty list).
pub fn nullable<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A field whose presence matters: `Some` with its value whenever the key is there, `null`
/// included (use with `#[serde(default)]`: a missing key is `None`).
pub fn given<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Text: a non-empty string, else `None` (any other value is read as absent).
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    })
}

/// A boolean, else `None`.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Value::deserialize(d)?.as_bool())
}

/// An object, else `None`.
pub fn object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Map<String, Value>>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Object(m) => Some(m),
        _ => None,
    })
}

/// An object of shape `T` (an `Option` for an optional one); anything that is not an object is
/// `T`'s default, as if its fields were all missing.
pub fn shape<'de, D: Deserializer<'de>, T: Default + DeserializeOwned>(
    d: D,
) -> Result<T, D::Error> {
    match Value::deserialize(d)? {
        v @ Value::Object(_) => T::deserialize(v).map_err(serde::de::Error::custom),
        _ => Ok(T::default()),
    }
}

/// A list of objects of shape `T`, else `None`; an element that is not an object is read
/// as `T` with every field missing.
pub fn list<'de, D: Deserializer<'de>, T: Default + DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    match Value::deserialize(d)? {
        Value::Array(a) => a
            .into_iter()
            .map(|v| match v {
                Value::Object(_) => T::deserialize(v).map_err(serde::de::Error::custom),
                _ => Ok(T::default()),
            })
            .collect::<Result<Vec<T>, D::Error>>()
            .map(Some),
        _ => Ok(None),
    }
}

/// The strings of a list (other elements, or a value that is not a list, give none).
pub fn strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(a) => a
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Shape {
        #[serde(deserialize_with = "nullable")]
        tags: Vec<String>,
        #[serde(deserialize_with = "given")]
        marker: Option<Value>,
        #[serde(deserialize_with = "text")]
        name: Option<String>,
        #[serde(deserialize_with = "boolean")]
        closed: Option<bool>,
        #[serde(deserialize_with = "object")]
        data: Option<Map<String, Value>>,
        #[serde(deserialize_with = "list")]
        items: Option<Vec<Shape>>,
        #[serde(deserialize_with = "shape")]
        inner: Option<Box<Shape>>,
        #[serde(deserialize_with = "strings")]
        ids: Vec<String>,
    }

    #[test]
    fn lenient_fields_read_what_exports_hold() {
        let s: Shape = serde_json::from_value(json!({
            "tags": null, "marker": null, "name": 7, "closed": "yes", "data": [1],
            "items": [{"name": "a", "tags": ["x"]}, 5], "inner": {"name": "b"}, "ids": ["p", 1]
        }))
        .unwrap();
        assert_eq!(s.inner.and_then(|i| i.name).as_deref(), Some("b"));
        assert_eq!(s.ids, vec!["p".to_string()]);
        assert!(s.tags.is_empty());
        assert_eq!(s.marker, Some(Value::Null));
        assert_eq!((s.name, s.closed, s.data), (None, None, None));
        let items = s.items.unwrap();
        assert_eq!(items[0].name.as_deref(), Some("a"));
        assert_eq!(items[0].tags, vec!["x".to_string()]);
        assert_eq!(items[0].marker, None);
        assert_eq!((items.len(), items[1].name.is_none()), (2, true));
        let s: Shape = serde_json::from_value(
            json!({"name": "", "items": {}, "closed": true, "inner": "x", "ids": "p"}),
        )
        .unwrap();
        assert_eq!(
            (s.name, s.items.is_none(), s.closed),
            (None, true, Some(true))
        );
        assert!(s.inner.is_none() && s.ids.is_empty());
    }
}
