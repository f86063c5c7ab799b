//! Sizes as written on the command line: `500KB`, `25MB`, `1GB`, `10GiB`, `1.5GB`, `123456`.
//!
//! A number (digits, optionally with a fractional part) and an optional unit, case-insensitive,
//! with or without a space between. Decimal units are powers of 1000 (`KB`/`K`, `MB`/`M`,
//! `GB`/`G`, `TB`/`T`), binary units powers of 1024 (`KiB`, `MiB`, `GiB`, `TiB`); `B` or no
//! unit means bytes. A fraction is rounded down to whole bytes.

use crate::GenError;

/// Parses a size in bytes. See the module documentation for the accepted forms.
pub fn parse_size(text: &str) -> Result<u64, GenError> {
    let bad = |reason: &str| GenError::BadSize {
        text: text.to_string(),
        reason: reason.to_string(),
    };
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    if number.is_empty() {
        return Err(bad("it does not start with a number"));
    }
    let multiplier: u128 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "ki" | "kib" => 1 << 10,
        "mi" | "mib" => 1 << 20,
        "gi" | "gib" => 1 << 30,
        "ti" | "tib" => 1 << 40,
        _ => {
            return Err(bad(
                "unknown unit (use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB)",
            ))
        }
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if fraction.contains('.') || (whole.is_empty() && fraction.is_empty()) {
        return Err(bad("not a number"));
    }
    if fraction.len() > 9 {
        return Err(bad("more than 9 decimal places"));
    }
    let parse = |digits: &str| -> Result<u128, GenError> {
        if digits.is_empty() {
            Ok(0)
        } else {
            digits.parse::<u128>().map_err(|_| bad("number too large"))
        }
    };
    let scale = 10u128.pow(u32::try_from(fraction.len()).unwrap_or(9));
    let fraction = parse(fraction)? * multiplier / scale;
    let bytes = parse(whole)?
        .checked_mul(multiplier)
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(|| bad("number too large"))?;
    u64::try_from(bytes).map_err(|_| bad("larger than 2^64 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Option<u64>) {
        assert_eq!(parse_size(text).ok(), expect, "{text}");
    }

    #[test]
    fn decimal_and_binary_units() {
        check("123456", Some(123_456));
        check("500KB", Some(500_000));
        check("25MB", Some(25_000_000));
        check("25mb", Some(25_000_000));
        check("25 M", Some(25_000_000));
        check("1GB", Some(1_000_000_000));
        check("10GB", Some(10_000_000_000));
        check("2TB", Some(2_000_000_000_000));
        check("1KiB", Some(1024));
        check("3MiB", Some(3 << 20));
        check("1GiB", Some(1 << 30));
        check("0", Some(0));
        check("12B", Some(12));
    }

    #[test]
    fn fractions_round_down() {
        check("1.5GB", Some(1_500_000_000));
        check("0.5KiB", Some(512));
        check("1.0000001KB", Some(1000));
        check(".5MB", Some(500_000));
    }

    #[test]
    fn mistakes_are_refused_with_a_reason() {
        check("", None);
        check("GB", None);
        check("1.2.3MB", None);
        check("12 parsecs", None);
        check("-5MB", None);
        check("99999999999999999999999TB", None);
        let err = parse_size("5 furlongs")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("5 furlongs") && err.contains("unknown unit"),
            "{err}"
        );
    }
}
