using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace MageFlow.Hatchet.Orchestration.Viewer.Tests;

/// <summary>
/// Debian's chromium, headless, driven through its chromedriver by Selenium: a real browser running the page's own
/// script. Missing binaries fail the test with what to install; they are never a reason to skip.
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    private readonly ChromeDriver _driver;

    public HeadlessChromium()
    {
        var browser = Environment.GetEnvironmentVariable("CHROME_BIN") is { Length: > 0 } b ? b : "/usr/bin/chromium";
        var driver = Environment.GetEnvironmentVariable("CHROMEDRIVER") is { Length: > 0 } d ? d : "/usr/bin/chromedriver";
        if (!File.Exists(browser) || !File.Exists(driver))
        {
            throw new InvalidOperationException(
                $"browser tests need chromium at {browser} and chromedriver at {driver}: apt-get install -y chromium chromium-driver " +
                "(.ci/run installs them), or set CHROME_BIN and CHROMEDRIVER");
        }

        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public IWebDriver Driver => _driver;

    /// <summary>Gets where screenshots go: <c>artifacts/viewer/</c> under the repository (CI keeps it; git ignores it).</summary>
    public static string ArtifactsDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MageFlow.sln")))
            {
                dir = dir.Parent;
            }

            var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "viewer");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public void GoTo(Uri address) => _driver.Navigate().GoToUrl(address);

    /// <summary>Waits (polling the page) until the condition holds; fails naming what was awaited, with a screenshot.</summary>
    public T Until<T>(string what, Func<IWebDriver, T?> condition, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(_driver, timeout ?? Wait) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => condition(d))!;
        }
        catch (WebDriverTimeoutException)
        {
            Screenshot("failed-" + new string([.. what.Where(char.IsLetterOrDigit)]));
            throw new Xunit.Sdk.XunitException($"the page never showed: {what}");
        }
    }

    /// <summary>An attribute of the first element the CSS selector finds, or <see langword="null"/>.</summary>
    public string? Attribute(string css, string name) =>
        Fresh(() => _driver.FindElements(By.CssSelector(css)).FirstOrDefault()?.GetAttribute(name));

    public int Count(string css) => _driver.FindElements(By.CssSelector(css)).Count;

    public void Click(string css) => Fresh(() =>
    {
        _driver.FindElement(By.CssSelector(css)).Click();
        return true;
    });

    public object? Script(string script, params object[] args) => _driver.ExecuteScript(script, args);

    public string Screenshot(string name)
    {
        var path = Path.Combine(ArtifactsDirectory, name + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose() => _driver.Quit();

    // The page redraws what it polls every second, so an element found a moment ago may have been replaced: find it again.
    private static T Fresh<T>(Func<T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (StaleElementReferenceException) when (attempt < 5)
            {
            }
        }
    }
}
