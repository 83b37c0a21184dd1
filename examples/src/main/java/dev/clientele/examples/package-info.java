/**
 * The {@code clientele} command-line tool ({@link dev.clientele.examples.Cli}), the seeded demo
 * data ({@link dev.clientele.examples.SampleGenerator}) and small runnable examples
 * ({@link dev.clientele.examples.QuickStart}, {@link dev.clientele.examples.IdentityExample},
 * {@link dev.clientele.examples.ConsentExample}, {@link dev.clientele.examples.SegmentsExample}).
 * This module is a program and a showcase, not API: only the classes named here are public.
 *
 * <h2>Decisions recorded here</h2>
 * <ul>
 *   <li><b>Events file.</b> JSON Lines as in the design. {@code id}, {@code type},
 *       {@code timestamp} and a non-empty {@code identifiers} object (type &rarr; string) are
 *       required; {@code action}, {@code data}, {@code source} are optional. JSON {@code null}
 *       means "absent", also inside {@code data} (Clientele's event data has no null), so a
 *       {@code null} data value is left out rather than rejected. Unknown top-level fields
 *       reject the line, so a misspelt {@code data} is not silently lost. A bad line is counted
 *       and reported with its line number, never fatal; a missing file is (exit 2).
 *   <li><b>Reproducible output.</b> In memory, profiles get sequential ids in creation order
 *       ({@code p-00000001}, …; with {@code --jdbc} the database's profiles keep random ids) and are written in id order, so the same input gives the same
 *       bytes on every run; the demo's {@code profiles.jsonl} equals what {@code clientele
 *       profiles} writes for its {@code events.jsonl}.
 *   <li><b>Rejected.</b> The {@code rejected} count is lines the reader refused
 *       ({@code rejectedLines}) plus events Clientele refused ({@code rejectedEvents}, e.g. every
 *       identifier blocked); {@code rejectedReasons} shows the first 20 of either kind in line
 *       order. {@code problems} counts the problem lines of events that were not
 *       rejected: pieces not applied, one line per profile a {@code gdpr_delete} erased, and
 *       one per other profile a consent event reached as a derived event.
 *   <li><b>Profile files.</b> JSON Lines or CSV by the {@code --out} extension; the keys and the
 *       CSV columns, the multi-value cell encoding ({@code |}, escaped with {@code \}) and the
 *       formula neutralisation are described in {@code ProfileWriter}.
 *   <li><b>Export.</b> {@code clientele export} ingests the events, then writes a profile table
 *       through {@code Clientele.exportProfiles} (options in {@code ExportCommand}): the
 *       {@code all} preset adds reachability per channel and activity status as of
 *       {@code --date} (default: the day of the latest event); {@code --format json} writes one
 *       array unless the file ends in {@code .jsonl}/{@code .ndjson}. {@code --segment S.json}
 *       writes only the members of that segment (as of the latest event), also for
 *       {@code profiles}.
 *   <li><b>Config.</b> The config keys are described in {@code ConfigReader}: identity rules,
 *       activity (active/inactive event types), consent settings, status and engagement
 *       thresholds, revenue (reporting currency and fixed rates) and segments; lists change the
 *       library defaults rather than replace them.
 *   <li><b>Privacy.</b> Messages and reports never hold emails, phones or names: reasons come from
 *       the library (which masks values) or name only fields and positions, and the demo's
 *       top-revenue list shows masked emails. The profile files do hold personal data: they are
 *       the user's own data, written where the user asked.
 *   <li><b>Exit codes.</b> 0 success; 2 bad arguments or bad input, with nothing on stdout; 1
 *       an internal failure. {@code help} prints usage on stdout; no arguments prints it on
 *       stderr with exit 2.
 * </ul>
 */
package dev.clientele.examples;
