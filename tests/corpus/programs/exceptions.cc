// Corpus program (C++): exceptions, destructors run during unwinding (landing pads),
// try/catch with rethrow, virtual dispatch, std::function callbacks, templates, and
// containers whose out-of-line code comes from libstdc++ headers.
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Tracer {
    explicit Tracer(const char *n) : name(n) { ++live; }
    ~Tracer() { --live; }
    const char *name;
    static int live;
};
int Tracer::live = 0;

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const { return "shape"; }
};
struct Rect : Shape {
    Rect(double w, double h) : w(w), h(h) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
    double w, h;
};
struct Circle : Shape {
    explicit Circle(double r) : r(r) {
        if (r < 0)
            throw std::invalid_argument("negative radius");
    }
    double area() const override { return 3.14159 * r * r; }
    double r;
};

__attribute__((noinline)) double parse_and_sum(const std::vector<std::string> &items)
{
    Tracer t("parse");
    double sum = 0;
    for (const auto &s : items) {
        std::size_t used = 0;
        double v = std::stod(s, &used); // throws on bad input
        if (used != s.size())
            throw std::runtime_error("trailing junk in '" + s + "'");
        sum += v;
    }
    return sum;
}

__attribute__((noinline)) int checked(int depth)
{
    Tracer t("checked");
    std::unique_ptr<int[]> buf(new int[16]());
    if (depth == 0)
        throw std::out_of_range("depth exhausted");
    return checked(depth - 1) + buf[depth % 16];
}

__attribute__((noinline)) int rethrower(int depth)
{
    try {
        return checked(depth);
    } catch (const std::out_of_range &) {
        Tracer t("handler");
        throw; // rethrow
    }
}

template <typename T>
__attribute__((noinline)) T accumulate_with(const std::vector<T> &v, const std::function<T(T, T)> &f)
{
    T acc{};
    for (const T &x : v)
        acc = f(acc, x);
    return acc;
}

int main(int argc, char **)
{
    int caught = 0;
    std::vector<std::unique_ptr<Shape>> shapes;
    shapes.emplace_back(new Rect(2, 3));
    shapes.emplace_back(new Circle(argc));
    try {
        shapes.emplace_back(new Circle(-argc));
    } catch (const std::invalid_argument &e) {
        caught++;
    }
    double total = 0;
    for (const auto &s : shapes)
        total += s->area();
    try {
        total += parse_and_sum({"1.5", "2.5", "oops"});
    } catch (const std::exception &e) {
        caught++;
    }
    try {
        rethrower(argc + 2);
    } catch (const std::exception &e) {
        caught++;
    }
    std::map<std::string, int> counts;
    for (const auto &s : shapes)
        counts[s->name()]++;
    std::vector<int> v{1, 2, 3, 4, argc};
    int sum = accumulate_with<int>(v, [](int a, int b) { return a + b; });
    std::printf("%.2f %d %d %zu %d\n", total, caught, sum, counts.size(), Tracer::live);
    return caught == 3 && Tracer::live == 0 ? 0 : 1;
}
