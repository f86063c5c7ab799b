// Lucene baseline harness of the comparison (scripts/compare, COMPARE-PROTOCOL.md section 3).
//
// Compiled at run time by ./run against the Anserini fat jar of the pyserini 0.25.0 wheel
// (Lucene 9.9.1 inside); nothing here is built by cargo. One file, no package, JDK 17.
//
//   Harness index --paragraphs FILE --index DIR
//   Harness query --index DIR --queries FILE --runs R --warmup W --threads-list 1,2
//   Harness version
//
// stdout: exactly one JSON object per command; everything else goes to stderr.
// Environment (all optional):
//   OFS_LUCENE_INDEX_THREADS  indexing threads feeding the one IndexWriter (default: cores)
//   OFS_LUCENE_RAM_MB         IndexWriter RAM buffer in MB (default 256, as ofsearch)
//   OFS_LUCENE_QPS_ROUNDS     rounds of the whole query set per thread in the QPS phase
//                             (default: the --runs value)
//   OFS_LUCENE_QUERY_CACHE=1  keep Lucene's default LRU query cache (default: off, see README)
//   OFS_LUCENE_DEBUG=1        print each query's Lucene form, total, facet counts, stored text
//                             of the snippet hits to stderr (once, before timing)

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MultiCollector;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollector;
import org.apache.lucene.search.TotalHitCountCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

public final class Harness {
    static final String ENGINE = "lucene";
    static final String TEXT = "text";
    static final String ID = "id";
    static final String YEAR = "year";
    /** The report a paragraph belongs to (SortedDocValuesField): the researcher's request counts
     *  the distinct reports among the matches. */
    static final String REPORT_ID = "report_id";
    static final String KIND = "kind";
    /** Keyword fields: filters (StringField) and facet counts (SortedDocValuesField). */
    static final String[] KEYWORDS = {"authority", "region", "report_type", "area", "grade", KIND};
    /** Filter names of the protocol that are keyword fields (year is the range). */
    static final Set<String> KEYWORD_FILTERS = Set.of(KEYWORDS);
    static final Set<String> ID_ONLY = Set.of(ID);
    static final Set<String> TEXT_ONLY = Set.of(TEXT);
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Lucene's own English analysis (StandardTokenizer, possessive filter, lower case, Porter
     * stemmer) with an empty stop set: ofsearch drops no stop words, so a phrase such as
     * "children in care" must keep "in" to be the same query.
     */
    static Analyzer analyzer() {
        return new EnglishAnalyzer(CharArraySet.EMPTY_SET);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
        log("Java " + System.getProperty("java.runtime.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB, "
                + Runtime.getRuntime().availableProcessors() + " cores");
        switch (args[0]) {
            case "index":
                index(Paths.get(need(opts, "paragraphs")), Paths.get(need(opts, "index")));
                break;
            case "query":
                query(Paths.get(need(opts, "index")), Paths.get(need(opts, "queries")),
                        Integer.parseInt(opts.getOrDefault("runs", "20")),
                        Integer.parseInt(opts.getOrDefault("warmup", "5")),
                        opts.getOrDefault("threads-list", "1,2"));
                break;
            case "version":
                System.out.println(Version.LATEST);
                break;
            default:
                usage();
        }
    }

    static void usage() {
        System.err.println("usage: Harness index --paragraphs FILE --index DIR\n"
                + "       Harness query --index DIR --queries FILE --runs R --warmup W --threads-list 1,2\n"
                + "       Harness version");
        System.exit(2);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("lucene: bad argument " + args[i]);
                usage();
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }

    static String need(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null) {
            System.err.println("lucene: missing --" + name);
            usage();
        }
        return v;
    }

    static int envInt(String name, int dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : Integer.parseInt(v);
    }

    static boolean envFlag(String name) {
        String v = System.getenv(name);
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    static void log(String msg) {
        System.err.println("lucene: " + msg);
    }

    // ------------------------------------------------------------------------------------------
    // index

    static final List<String> END = new ArrayList<>();

    static void index(Path paragraphs, Path indexDir) throws Exception {
        long t0 = System.nanoTime();
        int threads = envInt("OFS_LUCENE_INDEX_THREADS", Runtime.getRuntime().availableProcessors());
        int ramMb = envInt("OFS_LUCENE_RAM_MB", 256);
        Files.createDirectories(indexDir);
        AtomicLong docs = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Directory dir = FSDirectory.open(indexDir)) {
            IndexWriterConfig cfg = new IndexWriterConfig(analyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
                    .setRAMBufferSizeMB(ramMb);
            // Default codec (Lucene99), default merge policy (TieredMergePolicy), BM25
            // similarity; no forceMerge at the end (ofsearch does not merge down either).
            try (IndexWriter writer = new IndexWriter(dir, cfg)) {
                // The main thread reads lines in batches; `threads` workers parse them and
                // add documents to the one writer (each gets its own in-memory segment).
                BlockingQueue<List<String>> queue = new ArrayBlockingQueue<>(4 * threads);
                List<Thread> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread w = new Thread(() -> {
                        try {
                            for (List<String> batch = queue.take(); batch != END; batch = queue.take()) {
                                for (String line : batch) {
                                    writer.addDocument(document(line));
                                }
                                docs.addAndGet(batch.size());
                            }
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                            queue.clear();
                        }
                    }, "indexer-" + t);
                    w.start();
                    workers.add(w);
                }
                try (BufferedReader in = Files.newBufferedReader(paragraphs, StandardCharsets.UTF_8)) {
                    List<String> batch = new ArrayList<>(1000);
                    for (String line = in.readLine(); line != null && failure.get() == null; line = in.readLine()) {
                        if (line.isBlank()) {
                            continue;
                        }
                        batch.add(line);
                        if (batch.size() == 1000) {
                            put(queue, batch, failure);
                            batch = new ArrayList<>(1000);
                        }
                    }
                    if (!batch.isEmpty()) {
                        put(queue, batch, failure);
                    }
                }
                for (int t = 0; t < threads; t++) {
                    put(queue, END, failure);
                }
                for (Thread w : workers) {
                    w.join();
                }
                if (failure.get() != null) {
                    writer.rollback();
                    throw new RuntimeException("indexing failed", failure.get());
                }
                long tAdded = System.nanoTime();
                writer.commit();
                log(String.format("documents added in %.2f s, commit (flush of the in-memory segments) %.2f s",
                        (tAdded - t0) / 1e9, (System.nanoTime() - tAdded) / 1e9));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        log(String.format("indexed %d paragraphs in %.2f s with %d threads, %d MB RAM buffer, no forceMerge",
                docs.get(), seconds, threads, ramMb));
        ObjectNode out = JSON.createObjectNode();
        out.put("engine", ENGINE);
        out.put("version", Version.LATEST.toString());
        out.put("docs", docs.get());
        out.put("seconds", seconds);
        System.out.println(JSON.writeValueAsString(out));
    }

    /** Queues a batch; if a worker failed, the queue may never drain: give up then. */
    static void put(BlockingQueue<List<String>> queue, List<String> batch, AtomicReference<Throwable> failure)
            throws InterruptedException {
        while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            if (failure.get() != null) {
                queue.clear();
            }
        }
    }

    /** One paragraph line of the protocol's paragraph file as a Lucene document. */
    static Document document(String line) throws IOException {
        JsonNode p = JSON.readTree(line);
        Document doc = new Document();
        doc.add(new StoredField(ID, p.get(ID).asInt()));
        doc.add(new Field(TEXT, p.path(TEXT).asText(""), TextField.TYPE_STORED));
        for (String f : KEYWORDS) {
            JsonNode v = p.get(f);
            if (v != null && !v.isNull()) {
                String s = v.asText();
                doc.add(new StringField(f, s, Field.Store.NO));
                doc.add(new SortedDocValuesField(f, new BytesRef(s)));
            }
        }
        JsonNode report = p.get(REPORT_ID);
        if (report != null && !report.isNull()) {
            doc.add(new SortedDocValuesField(REPORT_ID, new BytesRef(report.asText())));
        }
        JsonNode y = p.get(YEAR);
        if (y != null && y.canConvertToInt()) {
            doc.add(new IntPoint(YEAR, y.asInt()));
            doc.add(new NumericDocValuesField(YEAR, y.asInt()));
        }
        return doc;
    }

    // ------------------------------------------------------------------------------------------
    // query

    /** A neutral query spec of the protocol (section 2). */
    static final class Spec {
        String name;
        String klass;
        List<JsonNode> must = new ArrayList<>();
        List<JsonNode> should = new ArrayList<>();
        List<JsonNode> mustNot = new ArrayList<>();
        JsonNode filters;
        boolean facets;
        boolean reports;
        int snippets;
        int limit;
        /** How many SHOULD clauses must match (0: none beside MUST clauses). */
        int minShould;

        static Spec of(JsonNode q) {
            Spec s = new Spec();
            s.name = q.path("name").asText();
            s.klass = q.path("class").asText();
            q.path("must").forEach(s.must::add);
            q.path("should").forEach(s.should::add);
            q.path("must_not").forEach(s.mustNot::add);
            s.filters = q.path("filters");
            s.facets = q.path("facets").asBoolean(false);
            s.reports = q.path("reports").asBoolean(false);
            s.snippets = q.path("snippets").asInt(0);
            s.limit = q.path("limit").asInt(10);
            s.minShould = q.path("min_should").asInt(0);
            return s;
        }
    }

    /** What one execution produced. */
    static final class Result {
        long total;
        int[] top;
        Map<String, Map<String, Integer>> facets;
        /** Distinct reports among the matches; -1 when not asked. */
        long reports = -1;
        List<String> snippetTexts;
    }

    static void query(Path indexDir, Path queriesFile, int runs, int warmup, String threadsList)
            throws Exception {
        JsonNode qs = JSON.readTree(queriesFile.toFile());
        if (!qs.isArray()) {
            throw new IllegalArgumentException(queriesFile + ": expected a JSON list of query specs");
        }
        List<Spec> specs = new ArrayList<>();
        qs.forEach(q -> specs.add(Spec.of(q)));
        Analyzer analyzer = analyzer();
        try (Directory dir = FSDirectory.open(indexDir);
             DirectoryReader reader = DirectoryReader.open(dir)) {
            // One searcher shared by every thread; no executor (one thread per query, as
            // ofsearch searches). The query cache would answer repeated filters from memory
            // after a few runs of the same query set; off unless asked for.
            IndexSearcher searcher = new IndexSearcher(reader);
            if (!envFlag("OFS_LUCENE_QUERY_CACHE")) {
                searcher.setQueryCache(null);
            }
            log(String.format("index %s: %d docs in %d segments; Lucene %s; %d queries, %d warm-up + %d timed runs each",
                    indexDir, reader.numDocs(), reader.leaves().size(), Version.LATEST,
                    specs.size(), warmup, runs));

            if (envFlag("OFS_LUCENE_DEBUG")) {
                for (Spec s : specs) {
                    Result r = execute(searcher, analyzer, s);
                    log(s.name + ": " + build(analyzer, s) + "\n  total " + r.total
                            + " top " + Arrays.toString(r.top)
                            + (r.facets == null ? "" : "\n  facets " + topFacets(r.facets, 5))
                            + (r.snippetTexts == null ? "" : "\n  snippet docs (not highlighted) "
                                    + r.snippetTexts.stream().map(t -> t.length() > 100 ? t.substring(0, 100) + "..." : t).toList()));
                }
            }

            // Warm-up: the whole set W times (every query runs W times before it is timed,
            // and the JIT sees all of them).
            for (int w = 0; w < warmup; w++) {
                for (Spec s : specs) {
                    execute(searcher, analyzer, s);
                }
            }
            ArrayNode outQueries = JSON.createArrayNode();
            for (Spec s : specs) {
                Result last = null;
                ArrayNode lat = JSON.createArrayNode();
                for (int r = 0; r < runs; r++) {
                    long t0 = System.nanoTime();
                    last = execute(searcher, analyzer, s);
                    long t1 = System.nanoTime();
                    lat.add((t1 - t0) / 1e6);
                }
                if (last == null) {
                    last = execute(searcher, analyzer, s);
                }
                ObjectNode q = JSON.createObjectNode();
                q.put("name", s.name);
                q.put("class", s.klass);
                q.put("total", last.total);
                ArrayNode top = q.putArray("top");
                for (int id : last.top) {
                    top.add(id);
                }
                if (last.facets != null) {
                    ObjectNode facetsOut = q.putObject("facets");
                    for (var e : last.facets.entrySet()) {
                        ObjectNode values = facetsOut.putObject(e.getKey());
                        e.getValue().forEach(values::put);
                    }
                }
                if (last.reports >= 0) {
                    q.put("reports", last.reports);
                }
                q.set("latencies_ms", lat);
                outQueries.add(q);
            }

            ObjectNode qps = JSON.createObjectNode();
            int rounds = envInt("OFS_LUCENE_QPS_ROUNDS", Math.max(runs, 1));
            for (String t : threadsList.split(",")) {
                t = t.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int threads = Integer.parseInt(t);
                double q = qps(searcher, analyzer, specs, threads, rounds);
                log(String.format("qps with %d thread(s), %d rounds of %d queries each: %.1f",
                        threads, rounds, specs.size(), q));
                qps.put(t, q);
            }

            ObjectNode out = JSON.createObjectNode();
            out.put("engine", ENGINE);
            out.put("version", Version.LATEST.toString());
            out.set("queries", outQueries);
            out.set("qps", qps);
            System.out.println(JSON.writeValueAsString(out));
        }
    }

    /** T threads each run the whole set `rounds` times over the shared searcher. */
    static double qps(IndexSearcher searcher, Analyzer analyzer, List<Spec> specs, int threads, int rounds)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            // Each thread starts at a different place in the set, so the threads are not
            // running the same query at the same moment.
            int offset = specs.isEmpty() ? 0 : (t * specs.size()) / threads;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        for (int i = 0; i < specs.size(); i++) {
                            execute(searcher, analyzer, specs.get((i + offset) % specs.size()));
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "qps-" + t);
            w.start();
            workers.add(w);
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failure.get() != null) {
            throw new RuntimeException("qps run failed", failure.get());
        }
        return (double) threads * rounds * specs.size() / seconds;
    }

    /**
     * One complete execution: analysis and query building, search with exact total, top
     * `limit` by BM25 with their stored ids, facet counts over all matches if asked, and the
     * stored text of the first `snippets` hits (no highlighting: lucene-highlighter is not in
     * the fat jar, see README).
     */
    static Result execute(IndexSearcher searcher, Analyzer analyzer, Spec s) throws IOException {
        Query query = build(analyzer, s);
        Result r = new Result();
        FacetCounter facets = s.facets ? new FacetCounter() : null;
        ReportCounter reports = s.reports ? new ReportCounter() : null;
        TopDocs topDocs = null;
        if (s.limit > 0) {
            // totalHitsThreshold = MAX_VALUE: every match is counted, so the total is exact
            // (this turns off block-max WAND skipping, which an exact count rules out anyway).
            TopScoreDocCollector top = TopScoreDocCollector.create(s.limit, Integer.MAX_VALUE);
            searcher.search(query, withCounts(top, facets, reports));
            topDocs = top.topDocs();
            r.total = topDocs.totalHits.value;
        } else {
            TotalHitCountCollector count = new TotalHitCountCollector();
            searcher.search(query, withCounts(count, facets, reports));
            r.total = count.getTotalHits();
        }
        if (reports != null) {
            r.reports = reports.ids.size();
        }
        StoredFields stored = searcher.storedFields();
        int n = topDocs == null ? 0 : topDocs.scoreDocs.length;
        r.top = new int[n];
        for (int i = 0; i < n; i++) {
            r.top[i] = stored.document(topDocs.scoreDocs[i].doc, ID_ONLY).getField(ID).numericValue().intValue();
        }
        if (s.snippets > 0 && n > 0) {
            r.snippetTexts = new ArrayList<>();
            for (int i = 0; i < Math.min(s.snippets, n); i++) {
                r.snippetTexts.add(stored.document(topDocs.scoreDocs[i].doc, TEXT_ONLY).get(TEXT));
            }
        }
        if (facets != null) {
            r.facets = facets.counts();
        }
        return r;
    }

    /** The main collector, with the facet and report counters asked for beside it. */
    static Collector withCounts(Collector main, FacetCounter facets, ReportCounter reports) {
        List<Collector> all = new ArrayList<>();
        all.add(main);
        if (facets != null) {
            all.add(facets);
        }
        if (reports != null) {
            all.add(reports);
        }
        return all.size() == 1 ? main : MultiCollector.wrap(all);
    }

    /** The spec as one BooleanQuery (section 2 of the protocol). */
    static Query build(Analyzer analyzer, Spec s) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int positive = 0;
        for (JsonNode c : s.must) {
            Query q = clause(analyzer, c);
            if (q != null) {
                b.add(q, Occur.MUST);
                positive++;
            }
        }
        int should = 0;
        for (JsonNode c : s.should) {
            Query q = clause(analyzer, c);
            if (q != null) {
                b.add(q, Occur.SHOULD);
                should++;
            }
        }
        if (s.minShould > 0 && should > 0) {
            // "neglect AND (drift OR delay)": MUST neglect, at least min_should of the rest.
            b.setMinimumNumberShouldMatch(Math.min(s.minShould, should));
            positive++;
        } else if (positive == 0 && should > 0) {
            // Without MUST, Lucene would make the SHOULD clauses optional next to FILTER
            // clauses; the protocol wants at least one of them.
            b.setMinimumNumberShouldMatch(1);
            positive++;
        }
        for (JsonNode c : s.mustNot) {
            Query q = clause(analyzer, c);
            if (q != null) {
                b.add(q, Occur.MUST_NOT);
            }
        }
        b.add(new TermQuery(new Term(KIND, "boilerplate")), Occur.MUST_NOT);
        int filters = 0;
        var it = s.filters.fields();
        while (it.hasNext()) {
            var e = it.next();
            String field = e.getKey();
            JsonNode v = e.getValue();
            if (field.equals(YEAR)) {
                if (!v.isArray() || v.size() != 2) {
                    throw new IllegalArgumentException(s.name + ": filter year must be [from, to]");
                }
                int lo = v.get(0).isNull() ? Integer.MIN_VALUE : v.get(0).asInt();
                int hi = v.get(1).isNull() ? Integer.MAX_VALUE : v.get(1).asInt();
                b.add(new IndexOrDocValuesQuery(IntPoint.newRangeQuery(YEAR, lo, hi),
                        NumericDocValuesField.newSlowRangeQuery(YEAR, lo, hi)), Occur.FILTER);
            } else if (KEYWORD_FILTERS.contains(field)) {
                List<String> values = new ArrayList<>();
                if (v.isArray()) {
                    v.forEach(x -> values.add(x.asText()));
                } else {
                    values.add(v.asText());
                }
                if (values.size() == 1) {
                    b.add(new TermQuery(new Term(field, values.get(0))), Occur.FILTER);
                } else {
                    BooleanQuery.Builder any = new BooleanQuery.Builder();
                    for (String x : values) {
                        any.add(new TermQuery(new Term(field, x)), Occur.SHOULD);
                    }
                    b.add(any.build(), Occur.FILTER);
                }
            } else {
                throw new IllegalArgumentException(s.name + ": unknown filter " + field);
            }
            filters++;
        }
        if (positive == 0 && filters == 0) {
            // Only exclusions: everything else matches.
            b.add(new MatchAllDocsQuery(), Occur.MUST);
        }
        return b.build();
    }

    /** {"term": w} | {"phrase": "w w"} | {"prefix": "leav"}; null if nothing is left after analysis. */
    static Query clause(Analyzer analyzer, JsonNode c) {
        if (c.has("term") || c.has("phrase")) {
            String text = c.has("term") ? c.get("term").asText() : c.get("phrase").asText();
            PhraseQuery.Builder pb = new PhraseQuery.Builder();
            List<Term> terms = new ArrayList<>();
            int pos = -1;
            try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
                CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
                ts.reset();
                while (ts.incrementToken()) {
                    pos += inc.getPositionIncrement();
                    Term t = new Term(TEXT, term.toString());
                    terms.add(t);
                    pb.add(t, pos);
                }
                ts.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (terms.isEmpty()) {
                return null;
            }
            // A "term" the tokenizer splits in several words is searched as a phrase of them.
            return terms.size() == 1 ? new TermQuery(terms.get(0)) : pb.build();
        }
        if (c.has("prefix")) {
            // Lower-cased (the analyser's normalisation), not stemmed: the prefix is matched
            // against the stemmed terms of the one text field.
            BytesRef p = analyzer.normalize(TEXT, c.get("prefix").asText());
            return new PrefixQuery(new Term(TEXT, p));
        }
        throw new IllegalArgumentException("unknown clause " + c);
    }

    // ------------------------------------------------------------------------------------------
    // facets

    /**
     * Counts over all matches for the six keyword fields (per-segment ordinals of their
     * SortedDocValues, turned into strings once per segment) and year (NumericDocValues). The
     * facet module (SortedSetDocValuesFacetCounts) is not in the fat jar; this is the same
     * per-segment ordinal counting without the global ordinal map.
     */
    static final class FacetCounter implements Collector {
        final List<Map<String, Integer>> counts = new ArrayList<>();

        FacetCounter() {
            for (int i = 0; i <= KEYWORDS.length; i++) {
                counts.add(new HashMap<>());
            }
        }

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext ctx) throws IOException {
            LeafReader leaf = ctx.reader();
            SortedDocValues[] dv = new SortedDocValues[KEYWORDS.length];
            int[][] ords = new int[KEYWORDS.length][];
            for (int f = 0; f < KEYWORDS.length; f++) {
                dv[f] = leaf.getSortedDocValues(KEYWORDS[f]);
                ords[f] = new int[dv[f] == null ? 0 : dv[f].getValueCount()];
            }
            NumericDocValues years = leaf.getNumericDocValues(YEAR);
            PointValues points = leaf.getPointValues(YEAR);
            int minYear = points == null ? 0 : IntPoint.decodeDimension(points.getMinPackedValue(), 0);
            int maxYear = points == null ? -1 : IntPoint.decodeDimension(points.getMaxPackedValue(), 0);
            int[] yearCounts = new int[maxYear - minYear + 1];
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                }

                @Override
                public void collect(int doc) throws IOException {
                    for (int f = 0; f < dv.length; f++) {
                        SortedDocValues d = dv[f];
                        if (d != null && d.advanceExact(doc)) {
                            ords[f][d.ordValue()]++;
                        }
                    }
                    if (years != null && years.advanceExact(doc)) {
                        yearCounts[(int) years.longValue() - minYear]++;
                    }
                }

                @Override
                public void finish() throws IOException {
                    for (int f = 0; f < dv.length; f++) {
                        Map<String, Integer> m = counts.get(f);
                        for (int o = 0; o < ords[f].length; o++) {
                            if (ords[f][o] > 0) {
                                m.merge(dv[f].lookupOrd(o).utf8ToString(), ords[f][o], Integer::sum);
                            }
                        }
                    }
                    Map<String, Integer> m = counts.get(KEYWORDS.length);
                    for (int y = 0; y < yearCounts.length; y++) {
                        if (yearCounts[y] > 0) {
                            m.merge(Integer.toString(y + minYear), yearCounts[y], Integer::sum);
                        }
                    }
                }
            };
        }

        Map<String, Map<String, Integer>> counts() {
            Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
            for (int f = 0; f < KEYWORDS.length; f++) {
                out.put(KEYWORDS[f], counts.get(f));
            }
            out.put(YEAR, counts.get(KEYWORDS.length));
            return out;
        }
    }

    /**
     * The distinct reports among the matches: per segment, the ordinals of `report_id` seen (a
     * bit set), turned into ids once per segment at the end and gathered in one set.
     */
    static final class ReportCounter implements Collector {
        final Set<String> ids = new java.util.HashSet<>();

        @Override
        public ScoreMode scoreMode() {
            return ScoreMode.COMPLETE_NO_SCORES;
        }

        @Override
        public LeafCollector getLeafCollector(LeafReaderContext ctx) throws IOException {
            SortedDocValues dv = ctx.reader().getSortedDocValues(REPORT_ID);
            org.apache.lucene.util.FixedBitSet seen =
                    new org.apache.lucene.util.FixedBitSet(Math.max(1, dv == null ? 0 : dv.getValueCount()));
            return new LeafCollector() {
                @Override
                public void setScorer(Scorable scorer) {
                }

                @Override
                public void collect(int doc) throws IOException {
                    if (dv != null && dv.advanceExact(doc)) {
                        seen.set(dv.ordValue());
                    }
                }

                @Override
                public void finish() throws IOException {
                    if (dv == null) {
                        return;
                    }
                    for (int o = seen.nextSetBit(0); o != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
                            o = o + 1 < seen.length() ? seen.nextSetBit(o + 1) : org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS) {
                        ids.add(dv.lookupOrd(o).utf8ToString());
                    }
                }
            };
        }
    }

    static String topFacets(Map<String, Map<String, Integer>> facets, int n) {
        StringBuilder sb = new StringBuilder();
        for (var e : facets.entrySet()) {
            List<Map.Entry<String, Integer>> l = new ArrayList<>(e.getValue().entrySet());
            l.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
            sb.append("\n    ").append(e.getKey()).append(" (").append(l.size()).append(" values): ")
                    .append(l.subList(0, Math.min(n, l.size())));
        }
        return sb.toString();
    }
}
