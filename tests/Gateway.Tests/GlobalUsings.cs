global using System.Net.Http.Json;
global using System.Text.Json;
global using NUnit.Framework;
