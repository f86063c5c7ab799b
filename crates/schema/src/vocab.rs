//! Controlled vocabularies: report types, canonical judgement areas, grades and paragraph kinds.
//!
//! Each value has one kebab-case name used everywhere: in the index, on the command line and in
//! JSON. `FromStr` accepts exactly those names (case-insensitive); `as_str` returns them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value's name was not one of its vocabulary's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} '{value}' (expected one of: {expected})")]
pub struct UnknownValue {
    /// Which vocabulary was asked for ("report type", "area", ...).
    pub vocabulary: &'static str,
    /// The value given.
    pub value: String,
    /// The accepted names, comma-separated.
    pub expected: String,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $label:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value's kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str().eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| UnknownValue {
                        vocabulary: $label,
                        value: s.to_string(),
                        expected: $name::ALL
                            .iter()
                            .map(|value| value.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// The kind of report, recognised from its content (see DOMAIN.md).
    ReportType, "report type" {
        /// Joint area review (2005-09).
        Jar => "jar",
        /// Annual performance assessment letter (2005-08).
        Apa => "apa",
        /// Annual unannounced inspection of contact, referral and assessment (2009-12).
        UnannouncedCra => "unannounced-cra",
        /// Inspection of safeguarding and looked after children services (2009-12).
        SafeguardingLac => "safeguarding-lac",
        /// Annual children's services assessment letter (2009-11).
        ChildrenServicesAssessment => "children-services-assessment",
        /// Inspection of looked after children services (2012-13).
        Lac2012 => "lac-2012",
        /// Inspection of the protection of children (2012-13).
        ChildProtection2012 => "child-protection-2012",
        /// Single inspection framework (2013-18), with or without the LSCB review.
        Sif => "sif",
        /// SIF re-inspection.
        SifReinspection => "sif-reinspection",
        /// Standalone review of the Local Safeguarding Children Board.
        LscbReview => "lscb-review",
        /// Inspection of local authority children's services (2018-).
        Ilacs => "ilacs",
        /// ILACS focused visit letter.
        FocusedVisit => "focused-visit",
        /// Monitoring visit letter.
        MonitoringVisit => "monitoring-visit",
        /// Joint targeted area inspection letter.
        Jtai => "jtai",
        /// Not recognised: indexed with whatever metadata was found.
        Unknown => "unknown",
    }
}

vocabulary! {
    /// A judgement area on one scale across frameworks (DOMAIN.md, "One canonical scale").
    Area, "area" {
        /// Overall effectiveness / overall judgement.
        Overall => "overall",
        /// Children who need help and protection; staying safe; contact, referral and assessment.
        HelpAndProtection => "help-and-protection",
        /// Children looked after / in care.
        ChildrenInCare => "children-in-care",
        /// Adoption performance and permanence.
        Adoption => "adoption",
        /// Care leavers.
        CareLeavers => "care-leavers",
        /// Leadership, management and governance; service management; capacity to improve.
        Leadership => "leadership",
        /// LSCB / safeguarding partnership.
        SafeguardingPartnership => "safeguarding-partnership",
        /// Being healthy (Every Child Matters).
        Health => "health",
        /// Enjoying and achieving (Every Child Matters).
        Education => "education",
        /// Making a positive contribution (Every Child Matters).
        PositiveContribution => "positive-contribution",
        /// Achieving economic well-being (Every Child Matters).
        EconomicWellbeing => "economic-wellbeing",
        /// Outside any judged area.
        None => "none",
    }
}

vocabulary! {
    /// A grade on one scale, best first (DOMAIN.md). The printed wording is kept beside it.
    Grade, "grade" {
        /// Outstanding; performs excellently; JAR 4.
        Outstanding => "outstanding",
        /// Good; performs well; JAR 3.
        Good => "good",
        /// Requires improvement (to be good); adequate; performs adequately; JAR 2.
        RequiresImprovement => "requires-improvement",
        /// Inadequate; performs poorly; JAR 1.
        Inadequate => "inadequate",
        /// Nothing graded.
        Ungraded => "ungraded",
    }
}

vocabulary! {
    /// What a paragraph is, so that researchers can keep or drop whole classes of text.
    Kind, "kind" {
        /// Text under a judged area: the evidence for a judgement.
        Judgement => "judgement",
        /// Summary of findings, headline text, strengths and weaknesses lists.
        Summary => "summary",
        /// Context and information about the area or the inspection.
        Context => "context",
        /// Recommendations, areas for improvement, what needs to improve.
        Recommendations => "recommendations",
        /// Standard wording repeated in every report: what the judgements mean, copyright.
        Boilerplate => "boilerplate",
        /// Anything else (addresses, signatures, footnotes).
        Other => "other",
    }
}

impl Grade {
    /// The grade's rung on one numeric scale, 1 (outstanding) to 4 (inadequate); 0 = ungraded.
    ///
    /// This is the value of the `grade_rank` fast field. Never compare printed grade numbers
    /// across frameworks: JAR 4 is best, 2012-13 "Grade 1" is best. Compare this instead.
    pub fn rank(self) -> u64 {
        match self {
            Grade::Outstanding => 1,
            Grade::Good => 2,
            Grade::RequiresImprovement => 3,
            Grade::Inadequate => 4,
            Grade::Ungraded => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in ReportType::ALL {
            assert_eq!(t.as_str().parse::<ReportType>(), Ok(*t));
        }
        for a in Area::ALL {
            assert_eq!(a.as_str().parse::<Area>(), Ok(*a));
        }
        for g in Grade::ALL {
            assert_eq!(g.as_str().parse::<Grade>(), Ok(*g));
        }
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>(), Ok(*k));
        }
    }

    #[test]
    fn parsing_is_case_insensitive_and_errors_list_the_names() {
        assert_eq!("SIF".parse::<ReportType>(), Ok(ReportType::Sif));
        let err = "great".parse::<Grade>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown grade 'great' (expected one of: outstanding, good, requires-improvement, inadequate, ungraded)"
        );
    }

    #[test]
    fn ranks_put_outstanding_first() {
        let ranks: Vec<u64> = Grade::ALL.iter().map(|g| g.rank()).collect();
        assert_eq!(ranks, vec![1, 2, 3, 4, 0]);
    }
}
