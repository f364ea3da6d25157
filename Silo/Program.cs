Console.WriteLine("MultiStore silo host: see README.");
